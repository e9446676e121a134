import { describe, expect, test } from "bun:test";
import { normalizePath, pathUnder } from "./http-path.ts";

describe("normalizePath", () => {
  test.each([
    ["/v1/upload", "/v1/upload"],
    ["/v1/./%75pload", "/v1/upload"],
    ["/v1//upload?x=1#y", "/v1/upload"],
    ["/v1/x/../upload", "/v1/upload"],
    ["/v1/%2e%2e/v1/upload", "/v1/upload"],
    // Matrix parameters: servers route these to /v1/upload.
    ["/v1/upload;x", "/v1/upload"],
    ["/v1/upload;jsessionid=ABC/part", "/v1/upload/part"],
    ["/v1;a=b/upload;c", "/v1/upload"],
    ["/public/..;/v1/upload", "/v1/upload"],
    ["/;x/v1/upload", "/v1/upload"],
    ["/v1/%3Bupload", "/v1/%3Bupload"],
  ])("%p → %p", (input, want) => expect(normalizePath(input)).toBe(want));
  test.each([["v1/upload"], ["https://a.example/v1"], [""], [null]])("refuses %p", (input) => expect(normalizePath(input)).toBeNull());
});

describe("pathUnder", () => {
  test("whole segments", () => {
    expect(pathUnder("/v1/upload/x", "/v1/upload")).toBe(true);
    expect(pathUnder("/v1/uploads", "/v1/upload")).toBe(false);
    expect(pathUnder(normalizePath("/v1/upload;x")!, "/v1/upload")).toBe(true);
  });
});
