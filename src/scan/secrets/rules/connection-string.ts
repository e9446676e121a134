import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";

const urlSchemes = /(?:^|[^A-Za-z0-9+])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|ftps?|sftp|https?|clickhouse|snowflake)(?:\+\w+)?$/;

export const urlPassword: SecretRule = {
  id: "connection-string-password",
  description: "Password in a database or broker URL",
  // Anchored on "://" (fast); the scheme is checked in validate.
  regex: /:\/\/[^\s:/@"'`]{1,64}:([^\s@/"'`]{3,128})@[A-Za-z0-9.[\]-]+/g,
  group: 1,
  keywords: ["://"],
  validate: (s, m) => {
    const before = (m.input ?? "").slice(Math.max(0, (m.index ?? 0) - 24), m.index ?? 0);
    return urlSchemes.test(before) && !isPlaceholder(s);
  },
  truePositives: [
    `DATABASE_URL=postgres://app:${fake("Zr8", body(12, undefined, 91))}@db.internal:5432/prod`,
    `mongodb+srv://svc:${fake("Qm2", body(10, undefined, 92))}@cluster0.abcd.mongodb.net/`,
  ],
  falsePositives: [
    "postgres://user:password@localhost/db",
    "postgres://user:${DB_PASSWORD}@db/x",
    "mysql://root:<password>@host/db",
    "redis://:changeme@localhost",
    "https://user:$TOKEN@github.com",
    `xmpp://svc:${fake("Zr8", body(12, undefined, 94))}@chat.acme.io`,
  ],
};

export const adoPassword: SecretRule = {
  id: "connection-string-ado",
  description: "Password in an ADO.NET / ODBC / JDBC connection string",
  regex: /(?:Server|Data Source|Host|jdbc:[a-z]+:)[^\n"']{0,200}?;\s*(?:Password|Pwd)\s*=\s*([^;"'\s]{3,128})/gi,
  group: 1,
  keywords: ["password", "pwd"],
  validate: (s) => !isPlaceholder(s),
  truePositives: [`Server=tcp:sql.example.net;Database=d;User Id=u;${fake("Password=", "Kp9", body(12, undefined, 93))};`],
  falsePositives: ["Server=x;User Id=u;Password={your_password};", "Server=x;Password=${PW};"],
};

export const rules = [urlPassword, adoPassword];
