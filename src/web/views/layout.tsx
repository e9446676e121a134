/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

// htmx: no injected <style> (blocked by the CSP anyway), no eval, only same-origin requests.
const htmxConfig = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, selfRequestsOnly: true });

const nav: Array<[string, string]> = [
  ["/", "Live"],
  ["/sessions", "Sessions"],
  ["/alerts", "Alerts"],
  ["/policies", "Policies"],
  ["/presets", "Presets"],
  ["/scans", "Scans"],
];

export function Layout(props: { title: string; csrf: string; active?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={htmxConfig} />
        <meta name="csrf-token" content={props.csrf} />
        <title>{`${props.title} · TrustRun`}</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body hx-headers={JSON.stringify({ "X-CSRF-Token": props.csrf })}>
        <header class="top">
          <a class="brand" href="/">TrustRun</a>
          <nav>
            {nav.map(([href, label]) => (
              <a href={href} class={props.active === href ? "active" : ""}>{label}</a>
            ))}
          </nav>
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function CsrfField(props: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={props.csrf} />;
}

export function Pager(props: { base: string; params: Record<string, string | undefined>; offset: number; limit: number; total: number }) {
  const link = (offset: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.params)) if (v) q.set(k, v);
    if (offset) q.set("offset", String(offset));
    const s = q.toString();
    return s ? `${props.base}?${s}` : props.base;
  };
  const { offset, limit, total } = props;
  return (
    <p class="pager">
      {offset > 0 ? <a href={link(Math.max(0, offset - limit))}>← newer</a> : null}
      <span>{total ? `${offset + 1}–${Math.min(offset + limit, total)} of ${total}` : "none"}</span>
      {offset + limit < total ? <a href={link(offset + limit)}>older →</a> : null}
    </p>
  );
}

export function Verdict(props: { v: string | null | undefined }) {
  const v = props.v ?? "unknown";
  return <span class={`verdict v-${v}`}>{v}</span>;
}
