// The browser-side files, embedded in the binary at build time: no CDN, no files on disk.
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import appJs from "./static/app.js" with { type: "text" };
import css from "./static/style.css" with { type: "text" };

export interface Asset {
  body: string;
  type: string;
  etag: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${Bun.hash(body).toString(36)}"` };
}

export const assets: Record<string, Asset> = {
  "htmx.min.js": asset(htmx, "text/javascript; charset=utf-8"),
  "app.js": asset(appJs, "text/javascript; charset=utf-8"),
  "style.css": asset(css, "text/css; charset=utf-8"),
};
