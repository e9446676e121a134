// URL path normalization for path rules: no query, matrix parameters (";jsessionid=x") cut from
// each segment as servers do before routing, dot segments resolved, repeated slashes collapsed and
// unreserved percent-escapes decoded, so /v1/./%75pload and /v1/upload;x are /v1/upload.
const MAX_PATH = 8192;

export function normalizePath(input: unknown): string | null {
  if (typeof input !== "string" || input.length === 0 || input.length > MAX_PATH) return null;
  let path = input;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (!path.startsWith("/")) return null;
  path = path.replace(/%([0-9a-fA-F]{2})/g, (whole, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : whole.toUpperCase();
  });
  const out: string[] = [];
  for (const raw of path.split("/")) {
    // Servers (Tomcat, Spring, Jetty) route "/v1/upload;x" and "/v1/..;/admin" without the ";...".
    const semi = raw.indexOf(";");
    const seg = semi >= 0 ? raw.slice(0, semi) : raw;
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/") + (path.endsWith("/") && out.length ? "/" : "");
}

/** Whether `path` is `prefix` or lies under it on a segment boundary (/v1/upload ≠ /v1/uploads). */
export function pathUnder(path: string, prefix: string): boolean {
  if (prefix === "/") return true;
  const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return path === base || path.startsWith(base + "/");
}
