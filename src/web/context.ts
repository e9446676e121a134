import type { Store } from "../store/index.ts";
import type { DestinationCache } from "./destinations-cache.ts";

/** What the routes need; built once by createApp. */
export interface WebDeps {
  store: Store;
  /** The directory relative `extends:` paths in stored policies resolve against. */
  policyCwd: string;
  destinations: DestinationCache;
}

/** Hono variables set by the security middleware. */
export type WebEnv = { Variables: { csrf: string } };

export const POLICY_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function intParam(value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}
