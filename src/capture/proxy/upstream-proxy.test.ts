import { expect, test } from "bun:test";
import { bypassesProxy, parseProxyUrl, upstreamProxyChooser } from "./upstream-proxy.ts";

test("proxy URLs", () => {
  expect(parseProxyUrl("http://proxy.corp:3128")).toEqual({ host: "proxy.corp", port: 3128, url: "http://proxy.corp:3128" });
  expect(parseProxyUrl("proxy.corp:8080")!.port).toBe(8080);
  expect(parseProxyUrl("http://u%40x:p%3Aw@proxy.corp")!.auth).toBe(`Basic ${Buffer.from("u@x:p:w").toString("base64")}`);
  expect(parseProxyUrl("http://u:secret@proxy.corp")!.url).not.toContain("secret");
  expect(parseProxyUrl("socks5://proxy.corp:1080")).toBeNull();
  expect(parseProxyUrl("http://[::1]:9")!.host).toBe("::1");
  for (const bad of ["", "http://", "::::", "http://a:99999"]) expect(parseProxyUrl(bad)).toBeNull();
});

test("NO_PROXY like curl", () => {
  expect(bypassesProxy("example.com", "api.example.com")).toBe(true);
  expect(bypassesProxy(".example.com", "example.com")).toBe(true);
  expect(bypassesProxy("example.com", "badexample.com")).toBe(false);
  expect(bypassesProxy("*", "anything")).toBe(true);
  expect(bypassesProxy(" a.b , 10.0.0.1:80", "10.0.0.1")).toBe(true);
  const choose = upstreamProxyChooser({ HTTPS_PROXY: "http://s:1", HTTP_PROXY: "http://p:2", NO_PROXY: "internal.corp" })!;
  expect(choose("api.openai.com", true)!.host).toBe("s");
  expect(choose("api.openai.com", false)!.host).toBe("p");
  expect(choose("x.internal.corp", true)).toBeNull();
  expect(upstreamProxyChooser({})).toBeNull();
});
