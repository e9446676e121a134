import pkg from "../../package.json" with { type: "json" };

declare const TRUSTRUN_VERSION: string | undefined;
declare const TRUSTRUN_BUILD: string | undefined;

/** Set by scripts/build.ts with --define; falls back to package.json when run from source. */
export const version: string = typeof TRUSTRUN_VERSION === "string" ? TRUSTRUN_VERSION : pkg.version;
export const buildInfo: string = typeof TRUSTRUN_BUILD === "string" ? TRUSTRUN_BUILD : "source";
