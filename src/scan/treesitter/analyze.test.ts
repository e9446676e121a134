import { describe, expect, test } from "bun:test";
import type { Grammar } from "../languages.ts";
import { analyzeSource } from "./analyze.ts";

async function found(grammar: Grammar, code: string) {
  return (await analyzeSource(code, grammar, grammar)).map((f) => `${f.line} ${f.kind} ${f.rule} ${f.value} ${f.host ?? "-"}`);
}

describe("python", () => {
  test("constant propagation: +, f-strings, %, format, implicit concatenation, getenv default", async () => {
    const out = await found("python", [
      "import requests",
      'H = "api.acme.io"',
      'B = f"https://{H}"',
      'requests.get(B + "/a")',
      'requests.post("%s/b" % B)',
      'requests.put("{}/c".format(B))',
      'requests.delete("https://" "x.acme.io" "/d")',
      'requests.get(os.getenv("U", "https://env.acme.io/e"))',
      "requests.request('GET', B + '/f')",
    ].join("\n"));
    expect(out).toEqual([
      "4 call-site python/requests https://api.acme.io/a api.acme.io",
      "5 call-site python/requests https://api.acme.io/b api.acme.io",
      "6 call-site python/requests https://api.acme.io/c api.acme.io",
      "7 call-site python/requests https://x.acme.io/d x.acme.io",
      "8 call-site python/requests https://env.acme.io/e env.acme.io",
      "9 call-site python/requests https://api.acme.io/f api.acme.io",
    ]);
  });
  test("aliases, sessions, unresolved URLs", async () => {
    const out = await found("python", [
      "import requests as rq",
      "from httpx import AsyncClient",
      "s = rq.Session()",
      "s.get('https://a.acme.io/x')",
      "c = AsyncClient(base_url='https://b.acme.io/api/')",
      "c.post('/y')",
      "rq.get(url)",
    ].join("\n"));
    expect(out).toEqual([
      "4 call-site python/requests https://a.acme.io/x a.acme.io",
      "5 sdk-client python/httpx https://b.acme.io/api/ b.acme.io",
      "6 call-site python/httpx https://b.acme.io/api/y b.acme.io",
      "7 call-site python/requests requests.get(url) -",
    ]);
  });
  test("SDK clients: openai default, azure, anthropic, boto3 with session region", async () => {
    const out = await found("python", [
      "import openai, anthropic, boto3",
      "a = openai.OpenAI()",
      "b = openai.AzureOpenAI()",
      "c = anthropic.Anthropic()",
      "sess = boto3.Session(region_name='eu-west-1')",
      "d = sess.client('bedrock-runtime')",
      "e = boto3.client('sagemaker-runtime', region_name='us-east-2')",
      "f = boto3.client('iam')",
      "g = boto3.client('s3')",
    ].join("\n"));
    expect(out).toEqual([
      "2 sdk-client python/openai https://api.openai.com/v1 api.openai.com",
      "3 sdk-client python/openai AzureOpenAI(azure_endpoint from AZURE_OPENAI_ENDPOINT) -",
      "4 sdk-client python/anthropic https://api.anthropic.com api.anthropic.com",
      "6 sdk-client python/boto3 https://bedrock-runtime.eu-west-1.amazonaws.com bedrock-runtime.eu-west-1.amazonaws.com",
      "7 sdk-client python/boto3 https://runtime.sagemaker.us-east-2.amazonaws.com runtime.sagemaker.us-east-2.amazonaws.com",
      "8 sdk-client python/boto3 https://iam.amazonaws.com iam.amazonaws.com",
      "9 sdk-client python/boto3 https://s3.{region}.amazonaws.com -",
    ]);
  });
  test("boto3 in the China and GovCloud partitions", async () => {
    const out = await found("python", [
      "import boto3",
      "a = boto3.client('s3', region_name='cn-north-1')",
      "b = boto3.client('sagemaker-runtime', region_name='cn-northwest-1')",
      "sess = boto3.Session(region_name='cn-north-1')",
      "c = sess.client('iam')",
      "d = boto3.client('s3', region_name='us-gov-west-1')",
      "e = boto3.client('iam', region_name='us-gov-west-1')",
    ].join("\n"));
    expect(out).toEqual([
      "2 sdk-client python/boto3 https://s3.cn-north-1.amazonaws.com.cn s3.cn-north-1.amazonaws.com.cn",
      "3 sdk-client python/boto3 https://runtime.sagemaker.cn-northwest-1.amazonaws.com.cn runtime.sagemaker.cn-northwest-1.amazonaws.com.cn",
      "5 sdk-client python/boto3 https://iam.cn-north-1.amazonaws.com.cn iam.cn-north-1.amazonaws.com.cn",
      "6 sdk-client python/boto3 https://s3.us-gov-west-1.amazonaws.com s3.us-gov-west-1.amazonaws.com",
      "7 sdk-client python/boto3 https://iam.us-gov.amazonaws.com iam.us-gov.amazonaws.com",
    ]);
  });
  test("the openai module's own client (1.x) and the 0.x API: default, base_url / api_base, azure", async () => {
    expect(await found("python", [
      "import openai",
      "r = openai.chat.completions.create(model='gpt-4o', messages=[])",
      "openai.ChatCompletion.create(model='gpt-4', messages=[])",
      "openai.Completion.create(model='davinci', prompt='x')",
      "e = openai.embeddings.create(model='m', input='x')",
      "client = openai.OpenAI()",
      "client.chat.completions.create(model='gpt-4o', messages=[])",
    ].join("\n"))).toEqual([
      "2 call-site python/openai https://api.openai.com/v1 api.openai.com",
      "3 call-site python/openai https://api.openai.com/v1 api.openai.com",
      "4 call-site python/openai https://api.openai.com/v1 api.openai.com",
      "5 call-site python/openai https://api.openai.com/v1 api.openai.com",
      "6 sdk-client python/openai https://api.openai.com/v1 api.openai.com",
    ]);
    expect(await found("python", [
      "import os",
      "import openai",
      "openai.base_url = os.getenv('LLM_GATEWAY', 'https://llm.acme.io/v1/')",
      "openai.chat.completions.create(model='gpt-4o', messages=[])",
    ].join("\n"))).toEqual(["4 call-site python/openai https://llm.acme.io/v1/ llm.acme.io"]);
    expect(await found("python", [
      "import openai as oa",
      "oa.api_type = 'azure'",
      "oa.api_base = 'https://acme-eastus.openai.azure.com/'",
      "oa.ChatCompletion.create(engine='gpt-35', messages=[])",
    ].join("\n"))).toEqual(["4 call-site python/openai https://acme-eastus.openai.azure.com/ acme-eastus.openai.azure.com"]);
    expect(await found("python", [
      "import openai",
      "openai.api_base = 'http://localhost:8000/v1'",
      "from openai import ChatCompletion",
      "ChatCompletion.create(model='local', messages=[])",
      "openai.api_type = 'azure'",
      "openai.Embedding.create(input='x', engine='e')",
    ].join("\n"))).toEqual([
      "4 call-site python/openai http://localhost:8000/v1 localhost",
      "6 call-site python/openai http://localhost:8000/v1 localhost",
    ]);
    // A variable named openai is not the module.
    expect(await found("python", ["from openai import OpenAI", "openai = make_client()", "openai.chat.completions.create(model='m')"].join("\n"))).toEqual([]);
  });
  test("azure connection strings and urllib3/http.client", async () => {
    const out = await found("python", [
      "from azure.storage.blob import BlobServiceClient",
      "import http.client, urllib3",
      "x = BlobServiceClient.from_connection_string('DefaultEndpointsProtocol=https;AccountName=phi01;AccountKey=k')",
      "conn = http.client.HTTPSConnection('api.acme.io', 8443)",
      "pool = urllib3.PoolManager()",
      "pool.request('GET', 'https://u3.acme.io/x')",
    ].join("\n"));
    expect(out).toEqual([
      "3 sdk-client python/azure https://phi01.blob.core.windows.net phi01.blob.core.windows.net",
      "4 call-site python/http.client https://api.acme.io:8443 api.acme.io",
      "6 call-site python/urllib3 https://u3.acme.io/x u3.acme.io",
    ]);
  });

  test("self.x belongs to its class: another class's member never resolves", async () => {
    const out = await found("python", [
      "import requests",
      "class Internal:",
      "    def __init__(self):",
      '        self.base_url = "https://phi.internal.acme-health.com"',
      "class Vendor:",
      '    base_url = "https://api.vendor-ai.com"',
      "    def send(self, note):",
      '        return requests.post(self.base_url + "/notes", json=note)',
      "class Other:",
      "    def send(self):",
      '        return requests.post(self.base_url + "/x")',
      "def helper(self):",
      "    return requests.get(self.base_url)",
      "class Sub(Vendor):",
      "    def go(self):",
      '        return requests.get(f"{self.base_url}/sub")',
    ].join("\n"));
    expect(out).toEqual([
      "8 call-site python/requests https://api.vendor-ai.com/notes api.vendor-ai.com",
      "11 call-site python/requests {self.base_url}/x -",
      "13 call-site python/requests requests.get(self.base_url) -",
      "16 call-site python/requests https://api.vendor-ai.com/sub api.vendor-ai.com",
    ]);
  });
  test("class attributes, cls, pydantic settings and dataclass defaults, instances, parameter defaults, properties", async () => {
    const out = await found("python", [
      "import requests",
      "from dataclasses import dataclass, field",
      "from functools import lru_cache",
      "from openai import OpenAI, AzureOpenAI",
      "from pydantic import Field",
      "from pydantic_settings import BaseSettings",
      "class Settings(BaseSettings):",
      '    azure_openai_endpoint: str = "https://contoso.openai.azure.com"',
      '    fhir_url: str = Field("https://fhir.acme.io/R4")',
      "settings = Settings()",
      "AzureOpenAI(azure_endpoint=settings.azure_openai_endpoint)",
      "@lru_cache",
      "def get_settings():",
      "    return Settings()",
      'requests.get(get_settings().fhir_url + "/Patient")',
      "@dataclass",
      "class Conf:",
      '    api: str = field(default="https://conf.acme.io")',
      'requests.get(Conf(api="https://override.acme.io").api)',
      "class Svc:",
      '    BASE = "https://svc.acme.io"',
      "    @classmethod",
      "    def make(cls):",
      '        return requests.get(cls.BASE + "/a")',
      "    @property",
      "    def url(self):",
      '        return self.BASE + "/p"',
      "    def go(self):",
      "        return requests.get(self.url)",
      'requests.get(Svc.BASE + "/b")',
      "class LLM:",
      '    def __init__(self, base_url="https://llm.internal.mayo-research.org/v1"):',
      "        self.base_url = base_url",
      "        self.client = OpenAI(base_url=self.base_url)",
    ].join("\n"));
    expect(out).toEqual([
      "11 sdk-client python/openai https://contoso.openai.azure.com contoso.openai.azure.com",
      "15 call-site python/requests https://fhir.acme.io/R4/Patient fhir.acme.io",
      "19 call-site python/requests https://override.acme.io override.acme.io",
      "24 call-site python/requests https://svc.acme.io/a svc.acme.io",
      "29 call-site python/requests https://svc.acme.io/p svc.acme.io",
      "30 call-site python/requests https://svc.acme.io/b svc.acme.io",
      "34 sdk-client python/openai https://llm.internal.mayo-research.org/v1 llm.internal.mayo-research.org",
    ]);
  });
  test("parameters shadow module names; locals belong to their function; global", async () => {
    const out = await found("python", [
      "import requests",
      'url = "https://module.acme.io"',
      "def f(url):",
      "    return requests.get(url)",
      'def g(url=None, base="https://g.acme.io"):',
      '    url = url or base + "/x"',
      "    return requests.get(url)",
      "def h():",
      '    url = "https://h.acme.io"',
      "def k():",
      "    return requests.get(url)",
      "def setup():",
      "    global API",
      '    API = "https://api.acme.io"',
      "requests.get(API)",
    ].join("\n"));
    expect(out).toEqual([
      "4 call-site python/requests requests.get(url) -",
      "7 call-site python/requests https://g.acme.io/x g.acme.io",
      "11 call-site python/requests https://module.acme.io module.acme.io",
      "15 call-site python/requests https://api.acme.io api.acme.io",
    ]);
  });
  test("return values of the file's functions: settings factories, client factories", async () => {
    const out = await found("python", [
      "import httpx, requests",
      "class Settings:",
      '    api = "https://api.acme.io"',
      "def get_settings():",
      "    return Settings()",
      "def make_client(base=get_settings().api):",
      "    return httpx.Client(base_url=base)",
      "client = make_client()",
      'client.get("/x")',
      "def loop():",
      "    return loop()",
      "requests.get(loop())",
    ].join("\n"));
    expect(out).toEqual([
      "7 sdk-client python/httpx https://api.acme.io api.acme.io",
      "9 call-site python/httpx https://api.acme.io/x api.acme.io",
      "12 call-site python/requests requests.get(loop()) -",
    ]);
  });
  test("LangChain and LlamaIndex clients: SDK defaults and overrides", async () => {
    const out = await found("python", [
      "from langchain_openai import ChatOpenAI, OpenAIEmbeddings, AzureChatOpenAI",
      "from langchain_anthropic import ChatAnthropic",
      "from langchain_community.chat_models import ChatOpenAI as LegacyChat",
      "from llama_index.llms.openai import OpenAI",
      "from llama_index.llms.azure_openai import AzureOpenAI",
      'a = ChatOpenAI(model="gpt-4o")',
      'b = ChatOpenAI(base_url="http://localhost:4000/v1")',
      'c = OpenAIEmbeddings(openai_api_base="https://gw.acme.io/v1")',
      'd = AzureChatOpenAI(azure_endpoint="https://contoso.openai.azure.com")',
      "e = AzureChatOpenAI()",
      'f = ChatAnthropic(model="claude-3-5-sonnet-latest")',
      "g = LegacyChat()",
      'h = OpenAI(model="gpt-4o")',
      'i = AzureOpenAI(azure_endpoint="https://li.openai.azure.com")',
    ].join("\n"));
    expect(out).toEqual([
      "6 sdk-client python/langchain https://api.openai.com/v1 api.openai.com",
      "7 sdk-client python/langchain http://localhost:4000/v1 localhost",
      "8 sdk-client python/langchain https://gw.acme.io/v1 gw.acme.io",
      "9 sdk-client python/langchain https://contoso.openai.azure.com contoso.openai.azure.com",
      "10 sdk-client python/langchain AzureChatOpenAI(azure_endpoint from AZURE_OPENAI_ENDPOINT) -",
      "11 sdk-client python/langchain https://api.anthropic.com api.anthropic.com",
      "12 sdk-client python/langchain https://api.openai.com/v1 api.openai.com",
      "13 sdk-client python/llama-index https://api.openai.com/v1 api.openai.com",
      "14 sdk-client python/llama-index https://li.openai.azure.com li.openai.azure.com",
    ]);
  });
  test("http.client with port None: no port", async () => {
    const out = await found("python", ["import http.client", 'chost = "phi.acme.io"', "c = http.client.HTTPSConnection(chost, None, timeout=5)"].join("\n"));
    expect(out).toEqual(["3 call-site python/http.client https://phi.acme.io phi.acme.io"]);
  });
});

describe("javascript / typescript", () => {
  test("fetch, axios, got, http options, template literals, ?? defaults, object shorthand", async () => {
    const out = await found("typescript", [
      'import axios from "axios";',
      'import { request } from "node:https";',
      'const host = "api.acme.io";',
      "const base = `https://${host}`;",
      'fetch(`${base}/a`);',
      "axios.post(base + '/b', {});",
      "axios({ url: '/c', baseURL: base });",
      "const url = process.env.U ?? 'https://d.acme.io';",
      "globalThis.fetch(url);",
      'request({ hostname: host, port: 444, path: "/e" });',
      "const http = axios.create({ baseURL: base });",
      "http.get('/f');",
    ].join("\n"));
    expect(out).toEqual([
      "5 call-site js/fetch https://api.acme.io/a api.acme.io",
      "6 call-site js/axios https://api.acme.io/b api.acme.io",
      "7 call-site js/axios https://api.acme.io/c api.acme.io",
      "9 call-site js/fetch https://d.acme.io d.acme.io",
      "10 call-site js/https https://api.acme.io:444/e api.acme.io",
      "11 sdk-client js/axios https://api.acme.io api.acme.io",
      "12 call-site js/axios https://api.acme.io/f api.acme.io",
    ]);
  });
  test("SDK clients: OpenAI default and baseURL, @azure/openai, AWS SDK v3 with { region }", async () => {
    const out = await found("javascript", [
      'const OpenAI = require("openai");',
      'const { OpenAIClient } = require("@azure/openai");',
      'const { BedrockRuntimeClient } = require("@aws-sdk/client-bedrock-runtime");',
      "const a = new OpenAI();",
      "const b = new OpenAI({ baseURL: 'http://127.0.0.1:4000/v1' });",
      "const c = new OpenAIClient('https://res1.openai.azure.com', cred);",
      "const region = 'ap-southeast-2';",
      "const d = new BedrockRuntimeClient({ region });",
      "const ws = new WebSocket('wss://live.acme.io');",
    ].join("\n"));
    expect(out).toEqual([
      "4 sdk-client js/openai https://api.openai.com/v1 api.openai.com",
      "5 sdk-client js/openai http://127.0.0.1:4000/v1 127.0.0.1",
      "6 sdk-client js/@azure/openai https://res1.openai.azure.com res1.openai.azure.com",
      "8 sdk-client js/aws-sdk https://bedrock-runtime.ap-southeast-2.amazonaws.com bedrock-runtime.ap-southeast-2.amazonaws.com",
      "9 call-site js/websocket wss://live.acme.io live.acme.io",
    ]);
  });
  test("AWS SDK v3 clients in the China regions", async () => {
    const out = await found("typescript", [
      'import { S3Client } from "@aws-sdk/client-s3";',
      'import { SQSClient } from "@aws-sdk/client-sqs";',
      'const s3 = new S3Client({ region: "cn-north-1" });',
      'const q = new SQSClient({ region: "cn-northwest-1" });',
    ].join("\n"));
    expect(out).toEqual([
      "3 sdk-client js/aws-sdk https://s3.cn-north-1.amazonaws.com.cn s3.cn-north-1.amazonaws.com.cn",
      "4 sdk-client js/aws-sdk https://sqs.cn-northwest-1.amazonaws.com.cn sqs.cn-northwest-1.amazonaws.com.cn",
    ]);
  });

  test("this.x belongs to its class: another class's member never resolves", async () => {
    const src = [
      'class Internal { constructor() { this.baseUrl = "https://phi.internal.acme-health.com"; } }',
      'class Vendor { baseUrl = "https://api.vendor-ai.com"; send(n: unknown) { return fetch(this.baseUrl + "/notes", { method: "POST" }); } }',
      'class Other { send() { return fetch(this.baseUrl + "/x"); } }',
      'function Plain() { return fetch(this.baseUrl); }',
      'class Sub extends Vendor { go() { const f = () => fetch(`${this.baseUrl}/sub`); return f(); } }',
    ].join("\n");
    expect(await found("typescript", src)).toEqual([
      "2 call-site js/fetch https://api.vendor-ai.com/notes api.vendor-ai.com",
      "3 call-site js/fetch {this.baseUrl}/x -",
      "4 call-site js/fetch fetch(this.baseUrl) -",
      "5 call-site js/fetch https://api.vendor-ai.com/sub api.vendor-ai.com",
    ]);
    expect(await found("javascript", src.replace("(n: unknown)", "(n)"))).toEqual([
      "2 call-site js/fetch https://api.vendor-ai.com/notes api.vendor-ai.com",
      "3 call-site js/fetch {this.baseUrl}/x -",
      "4 call-site js/fetch fetch(this.baseUrl) -",
      "5 call-site js/fetch https://api.vendor-ai.com/sub api.vendor-ai.com",
    ]);
  });
  test("static fields, parameter properties, instances, parameter defaults, locals per function", async () => {
    const out = await found("typescript", [
      "class Api {",
      '  static BASE = "https://static.acme.io";',
      '  private readonly path: string = "/v1";',
      '  constructor(private host = "https://host.acme.io") {}',
      "  a() { return fetch(Api.BASE + this.path); }",
      '  b() { return fetch(this.host + "/b"); }',
      "}",
      "const api = new Api();",
      'fetch(Api.BASE + api.path + "/c");',
      'const url = "https://module.acme.io";',
      'function f(url = "https://default.acme.io", { baseURL = "https://destructured.acme.io" } = {}) { fetch(url); fetch(baseURL); }',
      "const g = (url: string) => fetch(url);",
      'function h() { let url; url = "https://local.acme.io"; return fetch(url); }',
      "fetch(url);",
    ].join("\n"));
    expect(out).toEqual([
      "5 call-site js/fetch https://static.acme.io/v1 static.acme.io",
      "6 call-site js/fetch https://host.acme.io/b host.acme.io",
      "9 call-site js/fetch https://static.acme.io/v1/c static.acme.io",
      "11 call-site js/fetch https://default.acme.io default.acme.io",
      "11 call-site js/fetch https://destructured.acme.io destructured.acme.io",
      "12 call-site js/fetch fetch(url) -",
      "13 call-site js/fetch https://local.acme.io local.acme.io",
      "14 call-site js/fetch https://module.acme.io module.acme.io",
    ]);
  });
  test("LangChain.js clients: SDK defaults and overrides", async () => {
    const out = await found("typescript", [
      'import { ChatOpenAI, AzureChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";',
      'import { ChatAnthropic } from "@langchain/anthropic";',
      'const a = new ChatOpenAI({ model: "gpt-4o" });',
      'const b = new ChatOpenAI({ model: "gpt-4o", configuration: { baseURL: "https://gw.acme.io/v1" } });',
      'const c = new AzureChatOpenAI({ azureOpenAIApiInstanceName: "contoso" });',
      'const d = new AzureChatOpenAI({ azureOpenAIEndpoint: "https://east.openai.azure.com" });',
      "const e = new OpenAIEmbeddings();",
      'const f = new ChatAnthropic({ model: "claude-3-5-sonnet-latest" });',
    ].join("\n"));
    expect(out).toEqual([
      "3 sdk-client js/langchain https://api.openai.com/v1 api.openai.com",
      "4 sdk-client js/langchain https://gw.acme.io/v1 gw.acme.io",
      "5 sdk-client js/langchain https://contoso.openai.azure.com contoso.openai.azure.com",
      "6 sdk-client js/langchain https://east.openai.azure.com east.openai.azure.com",
      "7 sdk-client js/langchain https://api.openai.com/v1 api.openai.com",
      "8 sdk-client js/langchain https://api.anthropic.com api.anthropic.com",
    ]);
  });
  test("tsx parses JSX", async () => {
    const out = await found("tsx", 'const C = () => <a onClick={() => fetch("https://t.acme.io/x")}>x</a>;');
    expect(out).toEqual(["1 call-site js/fetch https://t.acme.io/x t.acme.io"]);
  });
});

describe("r", () => {
  test("httr, httr2 pipes, paste/paste0/sprintf/glue, curl, RCurl, download.file", async () => {
    const out = await found("r", [
      'base <- "https://api.acme.io"',
      'httr::GET(paste0(base, "/a"))',
      'POST(url = paste(base, "b", sep = "/"))',
      'request(base) |> req_url_path_append("c") |> req_perform()',
      'curl::curl_fetch_memory(sprintf("%s/%s", base, "d"))',
      'RCurl::getURL(glue::glue("{base}/e"))',
      '"https://f.acme.io/g" -> u',
      'download.file(u, "x")',
      'x = httr::VERB("GET", file.path(base, "h"))',
    ].join("\n"));
    expect(out).toEqual([
      "2 call-site r/httr https://api.acme.io/a api.acme.io",
      "3 call-site r/httr https://api.acme.io/b api.acme.io",
      "4 call-site r/httr2 https://api.acme.io/c api.acme.io",
      "5 call-site r/curl https://api.acme.io/d api.acme.io",
      "6 call-site r/RCurl https://api.acme.io/e api.acme.io",
      "8 call-site r/download.file https://f.acme.io/g f.acme.io",
      "9 call-site r/httr https://api.acme.io/h api.acme.io",
    ]);
  });

  test("httr2: a request is reported with the URL its req_* calls build", async () => {
    const out = await found("r", [
      'base <- "https://redcap.acme.io/api"',
      'form <- "json"',
      'resp <- request(base) |> req_url_path_append("records", form) |> req_perform()',
      'r2 <- req_perform(req_url_path_append(request(base), "x"))',
      'r3 <- request(base) %>% req_headers(a = 1) %>% req_url_path("/v2/y") %>% req_perform()',
      "req <- request(base)",
    ].join("\n"));
    expect(out).toEqual([
      "3 call-site r/httr2 https://redcap.acme.io/api/records/json redcap.acme.io",
      "4 call-site r/httr2 https://redcap.acme.io/api/x redcap.acme.io",
      "5 call-site r/httr2 https://redcap.acme.io/v2/y redcap.acme.io",
      "6 call-site r/httr2 https://redcap.acme.io/api redcap.acme.io",
    ]);
  });
});

describe("fuzz", () => {
  test("malformed and truncated sources never throw", async () => {
    const samples: Array<[Grammar, string]> = [
      ["python", 'import requests\nB = f"https://{h}"\nrequests.get(B + "/x", timeout=(3, 5))\nclass A:\n  def f(self): return self.s.get("/y")\n'],
      ["javascript", 'const a = axios.create({ baseURL: `${x}/v` });\nawait a.get("/p");\nfetch(new URL("/q", base));\n'],
      ["typescript", 'const c = new S3Client({ region } as any);\nexport default async () => (await fetch(u!)).json();\n'],
      ["python", 'class S(BaseSettings):\n  u: str = Field("https://a.io")\nclass T(S):\n  def __init__(self, b=S().u):\n    self.b = b\n  @property\n  def p(self): return self.b\ns = T()\nrequests.get(s.p)\n'],
      ["typescript", 'class A extends B { static U = "https://a.io"; constructor(private h = A.U) { super(); } go() { return fetch(this.h); } }\nnew A().go();\n'],
      ["r", 'u <- paste0("https://a.b.org", x)\nreq <- request(u) %>% req_url_path("z")\nGET(u, add_headers(a = "b"))\n'],
    ];
    let seed = 9;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    for (const [g, src] of samples) {
      for (let i = 0; i < 60; i++) {
        const cut = rnd() % (src.length + 1);
        const junk = "({[`'\"\\\n".charAt(rnd() % 9).repeat(rnd() % 4);
        const mutated = src.slice(0, cut) + junk + src.slice(cut + (rnd() % 5));
        const r = await analyzeSource(mutated, g, g);
        expect(Array.isArray(r)).toBe(true);
      }
      expect(Array.isArray(await analyzeSource("(".repeat(5000), g, g))).toBe(true);
      expect(Array.isArray(await analyzeSource("\u0000\ufffd\ud800", g, g))).toBe(true);
    }
  });
});

describe("values that grow without bound", () => {
  // Each line doubles the string: 60 lines would make 2^60 copies. Values are cut at 4,096
  // characters (then partly unknown), so the file is analysed at once and the host still found.
  const cases: Array<[Grammar, string]> = [
    ["python", ["import requests", 's = "https://api.acme.io/"', ..."s = s + s\n".repeat(60).trim().split("\n"), "requests.get(s)"].join("\n")],
    ["python", ["import requests", 'u0 = "https://api.acme.io/"', ...Array.from({ length: 60 }, (_, i) => `u${i + 1} = f"{u${i}}{u${i}}"`), "requests.get(u60)"].join("\n")],
    ["javascript", ['let s = "https://api.acme.io/";', ..."s = s + s;\n".repeat(60).trim().split("\n"), "fetch(s);"].join("\n")],
    ["javascript", ['const u0 = "https://api.acme.io/";', ...Array.from({ length: 60 }, (_, i) => `const u${i + 1} = \`\${u${i}}\${u${i}}\`;`), "fetch(u60);"].join("\n")],
    ["r", ['s <- "https://api.acme.io/"', ..."s <- paste0(s, s)\n".repeat(60).trim().split("\n"), "httr::GET(s)"].join("\n")],
  ];
  test.each(cases)("%s: doubling a string 60 times", async (grammar, code) => {
    const out = await analyzeSource(code, grammar, grammar);
    expect(out.map((f) => f.host)).toEqual(["api.acme.io"]);
    expect(out[0].value.length).toBe(1025);
    expect(out[0].value.endsWith("…")).toBe(true);
  }, 20_000);
});
