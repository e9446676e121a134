// `npm run demo`: a real supervised run of a small clinical-AI job under dist/trustrun.
// As root it builds a disposable network namespace where contoso-east.openai.azure.com,
// fabrikam.openai.azure.com and api.openai.com resolve (through the lab's own DNS server) to lab
// HTTPS servers, so the job's real DNS lookups, TLS handshakes and connections are observed and
// judged by demo/trustrun.yaml. Without root it runs the same job against loopback under ptrace.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createLab, labUnavailable } from "../test/support/lab.ts";

const root = new URL("..", import.meta.url).pathname;
const bin = join(root, "dist/trustrun");
if (!existsSync(bin)) {
  console.error("dist/trustrun is missing: run 'npm run build' first");
  process.exit(1);
}
const home = join(root, ".trustrun");
mkdirSync(home, { recursive: true });
const log = join(home, "demo-session.ndjson");
const env = { ...process.env, TRUSTRUN_HOME: home } as Record<string, string>;

function banner(text: string) {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`);
}

const why = labUnavailable();
if (why) {
  banner(`demo on loopback (${why}; the full demo needs root for its network namespace)`);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
  const code = await Bun.spawn(
    [bin, "run", "--output", "text", "--log", log, "--", "sh", "-c", `curl -s -o /dev/null http://127.0.0.1:${server.port}/ && echo "job done"`],
    { env, stdio: ["inherit", "inherit", "inherit"] },
  ).exited;
  server.stop(true);
  process.exit(code);
}

banner("building the demo network: a namespace with its own DNS and HTTPS servers");
const lab = await createLab({
  names: {
    "contoso-east.openai.azure.com": "10.88.0.10",
    "api.openai.com": "10.88.0.20",
    "fabrikam.openai.azure.com": "10.88.0.30",
  },
  tls: true,
});
let code = 1;
try {
  banner("trustrun run --output text --policy demo/trustrun.yaml -- python3 demo/clinical_notes.py");
  const proc = Bun.spawn(
    [...lab.exec, bin, "run", "--output", "text", "--policy", join(root, "demo/trustrun.yaml"), "--log", log, "--", "python3", join(root, "demo/clinical_notes.py")],
    { env: { ...env, DEMO_CA_FILE: lab.caFile! }, stdio: ["inherit", "inherit", "inherit"] },
  );
  code = await proc.exited;
  await Bun.sleep(200);
  banner("what the demo servers actually received");
  for (const host of ["contoso-east.openai.azure.com", "api.openai.com", "fabrikam.openai.azure.com"]) {
    console.log(`  ${host.padEnd(32)} ${lab.requestsTo(host).length} request(s)`);
  }
  banner("the stored session");
  await Bun.spawn([bin, "sessions", "--limit", "1"], { env, stdio: ["inherit", "inherit", "inherit"] }).exited;
  console.log(`\nNDJSON log: ${log}\nMore: TRUSTRUN_HOME=${home} ${bin} show <SESSION>   ·   ${bin} server`);
} finally {
  await lab.close();
}
process.exit(code);
