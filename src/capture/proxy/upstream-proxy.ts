// When the user already goes out through a proxy (HTTPS_PROXY in a hospital network, say),
// TrustRun's proxy sends its own upstream connections through that one with CONNECT, honouring
// the user's NO_PROXY. Only http:// proxies (optionally with user:password) are supported.
import net from "node:net";
import { createReader } from "./stream-reader.ts";
import { parseResponseHead } from "./http-head.ts";

export interface UpstreamProxy {
  host: string;
  port: number;
  /** Proxy-Authorization value, when the URL had credentials. */
  auth?: string;
  url: string; // for messages, without credentials
}

export function parseProxyUrl(text: string | undefined): UpstreamProxy | null {
  if (!text) return null;
  let u: URL;
  try {
    u = new URL(text.includes("://") ? text : `http://${text}`);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" || !u.hostname) return null;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = u.port ? Number(u.port) : 80;
  const auth = u.username ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}` : undefined;
  return { host, port, ...(auth ? { auth } : {}), url: `http://${u.host}` };
}

/** curl's NO_PROXY rules: "*" is everything; a name matches itself and its subdomains; a leading dot is ignored. */
export function bypassesProxy(noProxy: string, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase().replace(/^\*?\./, "").replace(/:\d+$/, "");
    if (!entry) continue;
    if (entry === "*" || h === entry || h.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** Which upstream proxy (if any) to use for host, from the environment TrustRun was started with. */
export function upstreamProxyChooser(env: Record<string, string | undefined>): ((host: string, tls: boolean) => UpstreamProxy | null) | null {
  const https = parseProxyUrl(env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy);
  const http = parseProxyUrl(env.HTTP_PROXY ?? env.http_proxy ?? env.ALL_PROXY ?? env.all_proxy);
  if (!https && !http) return null;
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? "";
  return (host, tls) => (bypassesProxy(noProxy, host) ? null : tls ? https : http);
}

/** A raw tunnel to host:port through an HTTP proxy (CONNECT). */
export async function tunnelThrough(proxy: UpstreamProxy, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const sock = net.connect({ host: proxy.host, port: proxy.port });
  const timer = setTimeout(() => sock.destroy(Object.assign(new Error(`the upstream proxy ${proxy.url} did not answer within ${timeoutMs} ms`), { timeout: true })), timeoutMs);
  try {
    await new Promise<void>((res, rej) => {
      sock.once("connect", () => res());
      sock.once("error", rej);
    });
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${proxy.auth ? `Proxy-Authorization: ${proxy.auth}\r\n` : ""}\r\n`);
    const reader = createReader(sock);
    const got = await reader.readHead();
    const buffered = reader.detach();
    if (got === null || got === "too-large") throw new Error(`the upstream proxy ${proxy.url} closed the connection`);
    const head = parseResponseHead(got.head);
    if (!head || head.status < 200 || head.status > 299) {
      throw new Error(`the upstream proxy ${proxy.url} refused CONNECT ${authority}: ${head ? `${head.status} ${head.reason}` : "malformed answer"}`);
    }
    if (got.rest.length || buffered.length) throw new Error(`the upstream proxy ${proxy.url} sent data before the tunnel was used`);
    return sock;
  } catch (err) {
    sock.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
