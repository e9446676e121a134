// Access control for the local web view: a per-start token, Host/Origin checks against DNS
// rebinding and cross-site requests, CSRF for state changes, and strict response headers.
// Decisions are pure functions; the middleware only wires them into Hono.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hostname, networkInterfaces } from "node:os";
import type { MiddlewareHandler } from "hono";
import type { WebEnv } from "./context.ts";

/** The access-token cookie is named per port: browsers send cookies to every port of a host, so
 * two servers (a project each) would otherwise overwrite each other's token. */
export function tokenCookieName(host: string | undefined | null): string {
  const port = host?.match(/:(\d{1,5})$/)?.[1] ?? "80";
  return `trustrun_token_${port}`;
}
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/** A pinned token must be long enough to resist guessing and safe to put in a URL. */
export function validToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{16,256}$/.test(token);
}

/** The CSRF token is derived from the access token, so it survives a page reload without server state. */
export function csrfFor(token: string): string {
  return createHmac("sha256", token).update("trustrun-csrf").digest("base64url");
}

export function sameSecret(a: string | undefined | null, b: string): boolean {
  if (typeof a !== "string") return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Host header names this server answers to; anything else is a rebinding attempt or a mistake. */
export function hostAllowed(host: string | undefined | null, allowed: readonly string[]): boolean {
  if (!host) return false;
  return allowed.includes(host.toLowerCase());
}

/** Origin, when a browser sends one, must be this server itself. "null" (sandboxed, file:) is foreign. */
export function originAllowed(origin: string | undefined | null, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === null) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === "http:" && allowed.includes(url.host.toLowerCase());
}

/** The Host values for a server on host:port: the literal address, and the loopback names when loopback.
 * On port 80 browsers leave the port out (Host: 127.0.0.1), so the bare name is accepted there too. */
export function hostNamesFor(host: string, port: number, extra: string[] = []): string[] {
  const names = new Set<string>();
  const add = (h: string) => {
    const name = (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h).toLowerCase();
    names.add(`${name}:${port}`);
    if (port === 80) names.add(name);
  };
  add(host);
  if (isLoopback(host)) ["127.0.0.1", "localhost", "::1"].forEach(add);
  for (const e of extra) add(e);
  return [...names];
}

/** Names a wildcard bind (0.0.0.0, ::) is reached by: every local address, the machine's name and loopback. */
export function wildcardNames(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::" && host !== "[::]") return [];
  const addrs = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.split("%")[0]));
  return [...addrs, hostname(), "127.0.0.1", "localhost", "::1"];
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export type AccessDecision =
  | { ok: true; via: "cookie" | "bearer" | "query" }
  | { ok: false; status: 400 | 401 | 403; reason: string };

export interface AccessRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  cookie: string | undefined;
  authorization: string | undefined;
  queryToken: string | undefined;
}

/** Who may talk to the server at all (before CSRF, which needs the body). */
export function decideAccess(req: AccessRequest, token: string, allowedHosts: readonly string[]): AccessDecision {
  if (!hostAllowed(req.host, allowedHosts)) return { ok: false, status: 400, reason: `unexpected Host header '${req.host ?? ""}'` };
  if (!originAllowed(req.origin, allowedHosts)) return { ok: false, status: 403, reason: `cross-origin request from '${req.origin}' refused` };
  if (req.secFetchSite === "cross-site") return { ok: false, status: 403, reason: "cross-site request refused" };
  const auth = req.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (auth !== undefined) {
    return sameSecret(auth, token) ? { ok: true, via: "bearer" } : { ok: false, status: 401, reason: "wrong access token" };
  }
  if (sameSecret(readCookie(req.cookie, tokenCookieName(req.host)), token)) return { ok: true, via: "cookie" };
  if (req.queryToken !== undefined && sameSecret(req.queryToken, token)) return { ok: true, via: "query" };
  return { ok: false, status: 401, reason: "missing or wrong access token: open the URL that 'trustrun server' printed" };
}

export function isStateChanging(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

export function accessRequestOf(req: Request): AccessRequest {
  const url = new URL(req.url);
  return {
    method: req.method,
    host: req.headers.get("host") ?? url.host,
    origin: req.headers.get("origin") ?? undefined,
    secFetchSite: req.headers.get("sec-fetch-site") ?? undefined,
    cookie: req.headers.get("cookie") ?? undefined,
    authorization: req.headers.get("authorization") ?? undefined,
    queryToken: url.searchParams.get("token") ?? undefined,
  };
}

// Only our own files run; htmx's indicator <style> and eval paths are switched off in its config.
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(headers: Headers): void {
  headers.set("Content-Security-Policy", CSP);
  headers.set("X-Frame-Options", "DENY");
  // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own form
  // posts, which the Origin check must refuse. URLs still never leak to other sites.
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
}

function refusal(status: number, reason: string, wantsJson: boolean): Response {
  const res = wantsJson
    ? Response.json({ error: reason }, { status })
    : new Response(`TrustRun: ${reason}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  securityHeaders(res.headers);
  return res;
}

/**
 * The gate for every request, also used for the WebSocket upgrade (which bypasses Hono).
 * Returns a refusal Response, or null when the request may proceed.
 */
export function gate(req: Request, token: string, allowedHosts: readonly string[]): Response | null {
  const d = decideAccess(accessRequestOf(req), token, allowedHosts);
  if (d.ok) return null;
  return refusal(d.status, d.reason, new URL(req.url).pathname.startsWith("/api"));
}

export interface SecurityOptions {
  token: string;
  allowedHosts: () => readonly string[];
}

export function securityMiddleware(opts: SecurityOptions): MiddlewareHandler<WebEnv> {
  const csrf = csrfFor(opts.token);
  return async (c, next) => {
    const wantsJson = c.req.path.startsWith("/api");
    const d = decideAccess(accessRequestOf(c.req.raw), opts.token, opts.allowedHosts());
    if (!d.ok) return refusal(d.status, d.reason, wantsJson);
    if (d.via === "query") {
      // Trade the token in the URL for a cookie and drop it from the address bar and history.
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      const res = new Response(null, { status: 303, headers: { Location: url.pathname + url.search } });
      res.headers.append("Set-Cookie", `${tokenCookieName(c.req.header("host") ?? url.host)}=${opts.token}; Path=/; HttpOnly; SameSite=Strict`);
      securityHeaders(res.headers);
      return res;
    }
    // A cookie rides along on any request the browser makes; a bearer token does not, so only
    // cookie-authenticated state changes need the CSRF token.
    if (d.via === "cookie" && isStateChanging(c.req.method)) {
      let sent = c.req.header(CSRF_HEADER);
      if (sent === undefined) {
        const type = c.req.header("content-type") ?? "";
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
          const body = await c.req.parseBody();
          const v = body[CSRF_FIELD];
          sent = typeof v === "string" ? v : undefined;
        }
      }
      if (!sameSecret(sent, csrf)) return refusal(403, "missing or wrong CSRF token: reload the page", wantsJson);
    }
    c.set("csrf", csrf);
    await next();
    securityHeaders(c.res.headers);
  };
}
