// The web view: createApp builds the Hono app (route tests call app.request()); server.ts serves it.
import { Hono } from "hono";
import type { Store } from "../store/index.ts";
import { assets } from "./assets.ts";
import { createDestinationCache } from "./destinations-cache.ts";
import type { WebEnv } from "./context.ts";
import { apiRoutes } from "./routes/api.ts";
import { pageRoutes } from "./routes/pages.tsx";
import { policyRoutes } from "./routes/policies.tsx";
import { scanRoutes } from "./routes/scans.tsx";
import { securityMiddleware } from "./security.ts";

export interface AppOptions {
  store: Store;
  token: string;
  /** Host header values accepted (host:port); a function so the port can be known after listen. */
  allowedHosts: readonly string[] | (() => readonly string[]);
  policyCwd?: string;
}

export function createApp(opts: AppOptions) {
  const app = new Hono<WebEnv>();
  const hosts = typeof opts.allowedHosts === "function" ? opts.allowedHosts : () => opts.allowedHosts as readonly string[];
  app.use("*", securityMiddleware({ token: opts.token, allowedHosts: hosts }));
  app.get("/static/:name", (c) => {
    const a = assets[c.req.param("name")];
    if (!a) return c.notFound();
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    return c.body(a.body, 200, { "Content-Type": a.type, ETag: a.etag, "Cache-Control": "private, max-age=3600" });
  });
  app.get("/favicon.ico", (c) => c.body(null, 204));
  const deps = { store: opts.store, policyCwd: opts.policyCwd ?? process.cwd(), destinations: createDestinationCache(opts.store) };
  app.route("/api", apiRoutes(deps));
  app.route("/", policyRoutes(deps));
  app.route("/", scanRoutes(deps));
  app.route("/", pageRoutes(deps));
  app.notFound((c) => (c.req.path.startsWith("/api") ? c.json({ error: "not found" }, 404) : c.text("not found", 404)));
  app.onError((err, c) => {
    // Never a stack trace to the browser; the message only.
    const message = err instanceof Error ? err.message : String(err);
    return c.req.path.startsWith("/api") ? c.json({ error: message }, 500) : c.text(`error: ${message}`, 500);
  });
  return app;
}

export type WebApp = ReturnType<typeof createApp>;
