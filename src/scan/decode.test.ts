import { expect, test } from "bun:test";
import { decodeText, looksBinary } from "./decode.ts";

const enc = new TextEncoder();

test("ASCII (fast path) and UTF-8 decode as TextDecoder does, BOM dropped", () => {
  for (const s of ["", "plain ascii https://a.acme.io\n", "caf\u00e9 \u20ac \u{1F600} https://b.acme.io", "\u0000\u007f"]) {
    expect(decodeText(enc.encode(s))).toBe(s);
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(s)]))).toBe(s);
  }
  // A view into a larger buffer (the reused read buffer) decodes only its own bytes.
  const big = enc.encode("xxhello worldxx");
  expect(decodeText(big.subarray(2, 13))).toBe("hello world");
  // Invalid UTF-8 degrades to replacement characters.
  expect(decodeText(new Uint8Array([0x61, 0xff, 0x62]))).toBe("a\uFFFDb");
});

test("binary: a NUL in the first 8000 bytes, unless UTF-16", () => {
  expect(looksBinary(new Uint8Array([1, 2, 0, 3]))).toBe(true);
  expect(looksBinary(new Uint8Array(9000).fill(65).fill(0, 8500))).toBe(false);
  expect(looksBinary(new Uint8Array([0xff, 0xfe, 0x41, 0]))).toBe(false);
  expect(looksBinary(enc.encode("text"))).toBe(false);
});
