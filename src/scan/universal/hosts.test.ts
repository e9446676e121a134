import { describe, expect, test } from "bun:test";
import { regexPass } from "../file-scan.ts";
import { looksLikeCodeName } from "./hosts.ts";

const hosts = (text: string, language = "python") => regexPass(text, language).filter((f) => f.kind === "host").map((f) => f.value);

describe("quoted names that are code, not hosts", () => {
  const notHosts = [
    // file names whose extension is also a TLD
    'src = "Makefile.pre.in"',
    'LDLIBRARY = "libpython3.11.so"',
    'lib = "librpm.so"',
    'names = ["libnss3.so", "libx264.so"]',
    'template = "MANIFEST.in"',
    'cfg = "pyconfig.h.in"',
    "ext: [`cmake`, `cmake.in`]",
    "'sources': [ 'addon.cc' ]",
    'files = ["test_helpers.pl"]',
    'case "iTerm.app":',
    // module paths and member access
    'x = "builtins.int"',
    'level = "logging.INFO"',
    'f = "PortRange.To"',
    'name = "flask.app"',
    'p = "py.path.local"',
    'svc = "ecr.api"',
    'm = "Array.prototype.at"',
    'opt = "options.ca"',
    'lang = "ASP.NET"',
    'name = "SessionOptions.cc"',
    'pkg = "java.io"',
    // a version with a tag
    'v = "0.11.dev"',
  ];
  const realHosts = [
    'base = "api.openai.com"',
    'h = "foo.co"',
    'h = "svc.io"',
    'h = "example.ai"',
    'h = "api.acme-health.com"',
    'h = "api.notion.so"',
    'h = "allegro.pl"',
    'h = "www.foo.co.in"',
    'h = "logging.googleapis.com"',
    'h = "json.org"',
    'h = "MyAccount.blob.core.windows.net"',
    'h = "db.internal:5432"',
    'h = "t.me"',
    'h = "id.who.int"',
    'h = "cache.acme.cc"',
    'h = "cdn.flask.app.acme.io"',
  ];
  for (const line of notHosts) {
    test(`not a host: ${line}`, () => {
      expect(hosts(`${line}\n`)).toEqual([]);
      expect(hosts(`${line}\n`, "javascript")).toEqual([]);
    });
  }
  for (const line of realHosts) test(`a host: ${line}`, () => expect(hosts(`${line}\n`)).toHaveLength(1));

  test("host settings are still hosts", () => {
    expect(regexPass("host: api.acme.in\n", "yaml").map((f) => f.value)).toEqual(["api.acme.in"]);
  });

  test("the file words count only on the name's own line, and only for file extensions", () => {
    expect(hosts('# sources below\nh = "acme.cc"\n')).toEqual(["acme.cc"]);
    expect(hosts('paths = ["/x"]; h = "api.acme.io"\n')).toEqual(["api.acme.io"]);
    expect(looksLikeCodeName("addon.cc", "'sources': [ ")).toBe(true);
    expect(looksLikeCodeName("addon.cc", "")).toBe(false);
  });
});
