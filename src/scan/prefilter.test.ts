import { describe, expect, test } from "bun:test";
import { scanFile } from "./file-scan.ts";
import { looksMinified, mightCallNetwork } from "./prefilter.ts";

const py = (t: string) => mightCallNetwork(t, "python");

describe("mightCallNetwork: Python imports", () => {
  test("a module anywhere in an import list, aliased, or in a parenthesized from-import", () => {
    expect(py("import os, sys, openai\n")).toBe(true);
    expect(py("import os as o, boto3 as b\n")).toBe(true);
    expect(py("import os, \\\n    requests\n")).toBe(true);
    expect(py("import openai as oa\n")).toBe(true);
    expect(py("from openai import (\n    AsyncOpenAI,\n    OpenAI,\n)\n")).toBe(true);
    expect(py("from azure.storage.blob import BlobServiceClient\n")).toBe(true);
    expect(py("from http import client\n")).toBe(true);
    expect(py("from http import (\n    server,\n    client as hc,\n)\n")).toBe(true);
    expect(py("import urllib.request\n")).toBe(true);
  });

  test("LangChain and LlamaIndex clients of OpenAI and Anthropic", () => {
    expect(py("from langchain_openai import ChatOpenAI\n")).toBe(true);
    expect(py("from langchain_anthropic import ChatAnthropic\n")).toBe(true);
    expect(py("from langchain_community.chat_models import AzureChatOpenAI\n")).toBe(true);
    expect(py("from langchain.embeddings import OpenAIEmbeddings\n")).toBe(true);
    expect(py("from llama_index.llms.openai import OpenAI\n")).toBe(true);
    expect(py("from langchain_core.prompts import ChatPromptTemplate\n")).toBe(false);
    const js = (t: string) => mightCallNetwork(t, "typescript");
    expect(js('import { ChatOpenAI } from "@langchain/openai";\n')).toBe(true);
    expect(js("const { ChatAnthropic } = require('@langchain/anthropic');\n")).toBe(true);
    expect(js('import { ChatOpenAI } from "langchain/chat_models/openai";\n')).toBe(true);
    expect(js('import { PromptTemplate } from "@langchain/core/prompts";\n')).toBe(false);
  });

  test("no network module imported", () => {
    expect(py("import os, sys, json\n")).toBe(false);
    expect(py("from http import HTTPStatus\n")).toBe(false);
    expect(py("import openair\n")).toBe(false);
    expect(py("# see the openai docs\nimport numpy\n")).toBe(false);
  });
});

describe("looksMinified", () => {
  // 5,300 characters of base64 on one line, like an embedded logo.
  const logo = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg".repeat(60).slice(0, 5300);

  test("a long line of data (base64, a prompt) in ordinary source is not minified", () => {
    expect(looksMinified(`from openai import OpenAI\nLOGO = "${logo}"\nclient = OpenAI()\n`)).toBe(false);
    const prompt = "You are a careful assistant. Answer briefly, cite sources and say when you are unsure. ".repeat(70);
    expect(looksMinified(`import anthropic\nPROMPT = """${prompt}"""\nc = anthropic.Anthropic()\n`)).toBe(false);
  });

  test("bundles stay minified: one long line of code, or long lines on average", () => {
    const code = 'var a=function(b){return fetch("https://x.acme.io/"+b).then(function(r){return r.json()})};';
    expect(looksMinified(code.repeat(3500))).toBe(true); // about 300 kB on one line
    expect(looksMinified(`/*! licence */\n${code.repeat(3500)}\n//# sourceMappingURL=a.js.map\n`)).toBe(true);
    expect(looksMinified(`${code.repeat(40)}\n`.repeat(20))).toBe(true); // 20 lines of 3,600 characters
    expect(looksMinified("x = 1\n".repeat(2000))).toBe(false);
  });

  test("a Python file with a 5,300-character base64 line is parsed: its OpenAI client is found", async () => {
    const text = `from openai import OpenAI\nLOGO = "${logo}"\nclient = OpenAI()\n`;
    const r = await scanFile({ id: 1, rel: "app.py", bytes: new TextEncoder().encode(text), regexOnly: false });
    expect(r.parsed).toBe(true);
    expect(r.findings.map((f) => `${f.line} ${f.rule} ${f.value}`)).toEqual(["3 python/openai https://api.openai.com/v1"]);
  });

  test("`import os, sys, openai` is parsed: the module's client is found", async () => {
    const r = await scanFile({ id: 1, rel: "a.py", bytes: new TextEncoder().encode("import os, sys, openai\nclient = openai.OpenAI()\n"), regexOnly: false });
    expect(r.findings.map((f) => `${f.line} ${f.rule} ${f.value}`)).toEqual(["2 python/openai https://api.openai.com/v1"]);
  });
});
