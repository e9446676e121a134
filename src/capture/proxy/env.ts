// The environment that points a target at TrustRun's proxy and makes it trust TrustRun's CA.
import { trustEnv } from "./ca-store.ts";

/** Loopback stays direct: the proxy judges traffic that leaves the machine. */
export const NO_PROXY_LIST = "localhost,127.0.0.1,::1";

export function proxyEnv(base: Record<string, string | undefined>, proxyUrl: string, caBundle: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"]) env[k] = proxyUrl;
  // A NO_PROXY inherited from the user could send a watched host around the proxy.
  env.NO_PROXY = NO_PROXY_LIST;
  env.no_proxy = NO_PROXY_LIST;
  env.NODE_USE_ENV_PROXY = "1"; // Node >= 24 (and 22.21+) fetch/http honour the variables with it
  if (caBundle) Object.assign(env, trustEnv(caBundle));
  return env;
}
