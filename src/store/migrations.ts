// Each entry moves the schema one version up. Never edit a released entry; append a new one.
export const migrations: string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    target_pid INTEGER,
    argv TEXT,
    policy TEXT NOT NULL,
    probes TEXT NOT NULL,
    complete INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    exit_code INTEGER,
    connections INTEGER NOT NULL DEFAULT 0,
    violations INTEGER NOT NULL DEFAULT 0,
    destinations INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_started ON sessions(started_at);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL,
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    ip TEXT,
    port INTEGER,
    verdict TEXT,
    rule TEXT,
    package TEXT,
    body TEXT NOT NULL
  );
  CREATE INDEX events_session ON events(session, id);
  CREATE INDEX events_dest ON events(session, host, ip, port);

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    session TEXT NOT NULL,
    ts INTEGER NOT NULL,
    severity TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    ip TEXT,
    port INTEGER,
    rule TEXT,
    message TEXT NOT NULL,
    suggestion TEXT NOT NULL,
    acked_at INTEGER
  );
  CREATE INDEX alerts_ts ON alerts(ts);

  CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    yaml TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ms INTEGER NOT NULL,
    files INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    violations INTEGER NOT NULL,
    policy TEXT,
    report TEXT NOT NULL
  );

  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    scan INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    host TEXT,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    language TEXT NOT NULL,
    analyzer TEXT NOT NULL,
    rule TEXT NOT NULL,
    verdict TEXT NOT NULL,
    fingerprint TEXT
  );
  CREATE INDEX findings_scan ON findings(scan);
  `,
  // Scan findings say where they are: code, comment or docs (NULL: stored before, in code).
  `
  ALTER TABLE findings ADD COLUMN context TEXT;
  `,
];
