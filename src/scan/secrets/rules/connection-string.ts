import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";
import { plausibleSecret } from "./generic.ts";
import { isReservedExample } from "../../universal/hosts.ts";

/**
 * The names RFC 2606 and 6761 reserve for documentation and tests (example.com, .org, .net and
 * their subdomains, `*.example`, `*.test`, `*.invalid`): credentials in a URL to them are examples.
 * The same names the URL pass leaves out.
 */
export function isDocumentationHost(host: string): boolean {
  return isReservedExample(host.toLowerCase().replace(/\.$/, ""));
}

const urlSchemes = /(?:^|[^A-Za-z0-9+])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|ftps?|sftp|https?|clickhouse|snowflake)(?:\+\w+)?$/;

export const urlPassword: SecretRule = {
  id: "connection-string-password",
  description: "Password in a database or broker URL",
  // Anchored on "://" (fast); the scheme is checked in validate.
  // The user may be empty (redis://:password@host). No "," in the user or password: a list of
  // hosts (MultiHostUrl('https://foo.com:123,foo:bar@bar.com')) is not a password.
  regex: /:\/\/[^\s:/@"'`,]{0,64}:([^\s@/"'`,]{3,128})@([A-Za-z0-9.[\]-]+)/g,
  group: 1,
  keywords: ["://"],
  keywordLines: 0,
  validate: (s, m) => {
    const before = (m.input ?? "").slice(Math.max(0, (m.index ?? 0) - 24), m.index ?? 0);
    return urlSchemes.test(before) && !isPlaceholder(s) && !isDocumentationHost(m[2]);
  },
  truePositives: [
    `DATABASE_URL=postgres://app:${fake("Zr8", body(12, undefined, 91))}@db.internal:5432/prod`,
    `mongodb+srv://svc:${fake("Qm2", body(10, undefined, 92))}@cluster0.abcd.mongodb.net/`,
    `REDIS_URL=redis://:${fake("Bh-", body(10, undefined, 95))}@cache.internal:6379/0`,
  ],
  falsePositives: [
    "postgres://user:password@localhost/db",
    "postgres://user:${DB_PASSWORD}@db/x",
    "mysql://root:<password>@host/db",
    "redis://:changeme@localhost",
    "https://user:$TOKEN@github.com",
    `xmpp://svc:${fake("Zr8", body(12, undefined, 94))}@chat.acme.io`,
    // pydantic's tests: a list of hosts, the first with a port
    "mhu = MultiHostUrl('https://foo.com:123,foo:bar@bar.com/path')",
    // Node.js's documentation: credentials on the reserved example names
    "const myURL = new URL('https://abc:xyz@example.com');",
    "// Prints https://abc:123@example.com/",
    `DATABASE_URL=postgres://app:${fake("Zr8", body(12, undefined, 99))}@db.example.org:5432/prod`,
    `amqp://svc:${fake("Qm2", body(10, undefined, 100))}@rabbit.staging.example/`,
  ],
};

export const adoPassword: SecretRule = {
  id: "connection-string-ado",
  description: "Password in an ADO.NET / ODBC / JDBC connection string",
  regex: /(?:Server|Data Source|Host|jdbc:[a-z]+:)[^\n"']{0,200}?;\s*(?:Password|Pwd)\s*=\s*([^;"'\s]{3,128})/gi,
  group: 1,
  keywords: ["password", "pwd"],
  keywordLines: 1, // Server=…; can sit a line or two above Password=
  keywordLinesBefore: 2,
  validate: (s) => !isPlaceholder(s),
  truePositives: [`Server=tcp:sql.example.net;Database=d;User Id=u;${fake("Password=", "Kp9", body(12, undefined, 93))};`],
  falsePositives: ["Server=x;User Id=u;Password={your_password};", "Server=x;Password=${PW};"],
};

// Secrets in a URL's query: JDBC ...?user=app&password=..., REST ...?api_key=...&format=json.
export const querySecret: SecretRule = {
  id: "url-query-secret",
  description: "Password, key or token in a URL query (JDBC and other connection URLs, API calls)",
  regex: /[?&]([A-Za-z_][\w.-]{0,40})=([^&\s"'`#;<>]{3,200})/g,
  group: 2,
  // A secret word ending a query parameter's name: ?password=, &api_key=, ?access_token=...
  keywords: ["?", "&", "_", "-"].flatMap((p) => ["password=", "passwd=", "pwd=", "key=", "token=", "secret="].map((w) => p + w)).concat(["apikey="]),
  keywordLines: 0,
  validate: (_s, m) => {
    const [, name, value] = m;
    if (/[{}$%]/.test(value)) return false;
    const ok = /^(?:password|passwd|pwd)$/i.test(name) ? !isPlaceholder(value) : plausibleSecret(name, value);
    if (!ok) return false;
    // in a URL on the same line, and not an image's (badge tokens are meant to be public); the URL
    // starts at most 8 KB before (twice as far as a URL is read, see maxUrlLength), so a long
    // minified line is not read back once per candidate
    const text = m.input ?? "";
    const at = m.index ?? 0;
    const from = Math.max(0, at - 8192);
    const window = text.slice(from, at + 5);
    const url = Math.max(window.lastIndexOf("://", at - from), window.lastIndexOf("jdbc:", at - from));
    const prefix = url === -1 ? "" : window.slice(url, at - from);
    if (url === -1 || /[\s"'`]/.test(prefix) || /\.(?:svg|png|gif|jpe?g|webp)$/i.test(prefix)) return false;
    // not a URL to a documentation host (https://example.com?key=...)
    const host = /^:\/\/(?:[^/?#@]*@)?([A-Za-z0-9.-]+)/.exec(prefix);
    return !(host && isDocumentationHost(host[1]));
  },
  truePositives: [
    `spring.datasource.url=jdbc:postgresql://db.internal:5432/app?user=app&${fake("password=", "Xbs", body(10, undefined, 96))}`,
    `url = "https://api.acme-health.com/v1/data?private_token=${body(32, "0123456789abcdef", 97)}&format=json"`,
  ],
  falsePositives: ["jdbc:mysql://db/app?user=root&password=${DB_PASSWORD}", "https://x.io/login?user=a&password=password", "?password=%s", "see ?password= in the docs", "https://x.io/cb?state=abc&token_type=bearer", `https://cdn.example.com/app.js?key=${"v1-2-3"}`, `[![codecov](https://codecov.io/gh/acme/x/graph/badge.svg?token=${body(10, undefined, 98)})]`,
    // zod's tests: a URL to example.com
    `const input = "https://example.com?key=${fake("NUX", body(45, undefined, 101))}";`,
  ],
};

// curl -u user:password (the password is the secret); placeholders and $VARS are not.
export const curlUserPassword: SecretRule = {
  id: "curl-user-password",
  description: "Password in a curl -u / --user option",
  regex: /\bcurl\b[^\n]{0,1000}?[ \t](?:-u|--user)(?:[ \t]+|=)["']?([^\s"':]{1,64}):([^\s"'`,]{3,128})["']?/g,
  group: 2,
  keywords: [" -u", "--user"],
  keywordLines: 0,
  entropy: 2,
  validate: (s) => !isPlaceholder(s) && !/^(?:\$|\[|<|\{)|^(?:token|pass|password|pwd|test|secret)$/i.test(s),
  truePositives: [`curl -u admin:${fake("Op", "DL7sNC_-r", "pXBA0")} https://jenkins.internal/api/json`, `curl -s --user "svc-etl:${fake("Mi", "HFtLr~0pk1gO")}" https://nexus.internal/`],
  falsePositives: ['curl -u "$USER:$PASS" https://x', "curl -u user:password https://x", "curl --user neo4j:[PASSWORD] http://x", "curl -u <user>:<password> https://x", "curl -u username:token", "and `curl -u user:pass`, in the docs"],
};

// Database and registry clients given a password on the command line.
export const cliPassword: SecretRule = {
  id: "cli-password",
  description: "Password on a mysql / docker login / twine / sshpass command line",
  regex: /\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,1000}?[ \t]-p([^\s"'`$-][^\s"'`]{3,127})|\b(?:(?:docker|podman|helm registry|oras)[ \t]+login|twine[ \t]+upload|sshpass)\b[^\n]{0,1000}?[ \t](?:-p|--password)(?:[ \t]+|=)["']?([^\s"'`$-][^\s"'`]{3,127})/g,
  keywords: ["mysql", "mariadb", "docker login", "podman login", "registry login", "oras login", "twine upload", "sshpass"],
  keywordLines: 0,
  entropy: 2,
  validate: (s) => !isPlaceholder(s) && !/^(?:\[|<|\{)/.test(s),
  truePositives: [`mysql -h db.internal -u root -p${fake("Tq", "t9~cY6-U6Oo2")} warehouse`, `docker login -u deploy -p ${fake("Dz", "WmdeSs-wd14")} registry.acme.io`],
  falsePositives: ["mysql -u root -p", "docker login -u x -p $TOKEN registry", "docker run -p 8080:8080 app", "mysql -u root -p<password> db", "sshpass -p password ssh host"],
};

export const rules = [urlPassword, adoPassword, querySecret, curlUserPassword, cliPassword];
