// Browser tests in Debian's chromium driven by playwright-core (never downloads a browser).
// Screenshots go to test-artifacts/web/.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { startServer, type RunningServer } from "../../src/web/server.ts";
import { connection, makeFixture, sessionStart, TOKEN, type Fixture } from "./fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dir, "../..");
const artifacts = join(root, "test-artifacts", "web");
const bin = process.env.TRUSTRUN_BIN ?? join(root, "dist", "trustrun");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

let fx: Fixture;
let server: RunningServer;
let ctx: BrowserContext;
let page: Page;
const problems: string[] = []; // script errors and CSP refusals seen on our own pages

const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

describe.skipIf(!haveChromium)("web view in chromium", () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    if (!existsSync(bin)) {
      const b = Bun.spawnSync([process.execPath, join(root, "scripts/build.ts")], { cwd: root, stdout: "inherit", stderr: "inherit" });
      if (b.exitCode !== 0) throw new Error("building dist/trustrun failed");
    }
    fx = makeFixture();
    server = startServer({ store: fx.store, token: TOKEN, port: 0 });
    const { chromium } = await import("playwright-core");
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "trw-chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic",
        // A name that resolves to our server, as DNS rebinding would make it.
        "--host-resolver-rules=MAP rebind.test 127.0.0.1",
      ],
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" || /Content Security Policy|Refused to/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
    fx?.store.close();
    if (fx) rmSync(fx.dir, { recursive: true, force: true });
  });

  test("the dashboard receives a live event from a real `trustrun run`", async () => {
    const res = await page.goto(`${server.url}?token=${TOKEN}`);
    expect(res!.status()).toBe(200);
    expect(page.url()).toBe(server.url); // the token left the address bar
    await page.waitForSelector("#live-status.live", { timeout: 10_000 });
    const before = await page.locator("#live-rows tr[data-proc^='curl']").count();
    const run = Bun.spawn([bin, "run", "--db", join(fx.dir, "trustrun.db"), "--output", "ndjson", "--", "curl", "-s", "-o", "/dev/null", server.url], {
      stdout: "pipe", stderr: "pipe", cwd: fx.dir,
    });
    const code = await Promise.race([run.exited, Bun.sleep(60_000).then(() => "timeout")]);
    if (code !== 0) throw new Error(`trustrun run failed (${code}): ${await new Response(run.stderr).text()}`);
    const port = String(server.port);
    const row = page.locator(`#live-rows tr[data-proc^='curl'][data-host*='127.0.0.1']`).filter({ hasText: `127.0.0.1:${port}` });
    await row.first().waitFor({ timeout: 10_000 });
    expect(await page.locator("#live-rows tr[data-proc^='curl']").count()).toBeGreaterThan(before);
    // The running/finished session shows up in history too.
    await shot("dashboard-live");
    // Filters and pause work on live rows.
    await page.fill("#f-proc", "no-such-process");
    expect(await row.first().isVisible()).toBe(false);
    await page.fill("#f-proc", "");
    expect(await row.first().isVisible()).toBe(true);
  }, 90_000);

  test("the policy editor saves a valid policy and shows an error at its line for an invalid one", async () => {
    await page.goto(`${server.url}policies/new`);
    await page.click("[data-tab=yaml]");
    await page.fill("#yaml-form input[name=name]", "browser-policy");
    await page.fill("#yaml-text", "name: browser\ndefault: alert\nallow:\n  - host: api.example.com\n    ports: [443]\n");
    await page.waitForSelector("#check-result[data-valid=true]", { timeout: 5000 }); // htmx live check
    await page.click("#save-yaml");
    await page.waitForSelector("text=Saved.");
    expect(fx.store.getPolicy("browser-policy")!.yaml).toContain("api.example.com");
    await shot("policy-saved");

    await page.click("[data-tab=yaml]");
    await page.fill("#yaml-text", "name: browser\ndefault: alert\nallow:\n  - host: api.example.com\n    prots: [443]\n");
    await page.waitForSelector("#check-result[data-valid=false]", { timeout: 5000 });
    const errLine = page.locator("#check li.err-line");
    expect(await errLine.getAttribute("value")).toBe("5");
    expect(await page.locator("#check .err-msg").first().textContent()).toContain("prots");
    await page.click("#save-yaml");
    await page.waitForSelector("#check-result[data-valid=false]");
    expect(fx.store.getPolicy("browser-policy")!.yaml).not.toContain("prots"); // not saved
    await shot("policy-invalid");

    // The rules view: add a deny row and save.
    await page.goto(`${server.url}policies/browser-policy`);
    await page.click("[data-add-row]");
    const last = page.locator("#rule-rows tr").last();
    await last.locator("select[name=section]").selectOption("deny");
    await last.locator("input[name=hosts]").fill("*.evil.test");
    await last.locator("select[name=action]").selectOption("kill");
    await page.click("#visual-form button[type=submit]");
    await page.waitForSelector("text=Saved.");
    expect(fx.store.getPolicy("browser-policy")!.yaml).toMatch(/deny:\n\s+- hosts: \[ "\*\.evil\.test" \]\n\s+action: kill/);
    await shot("policy-rules");
  }, 60_000);

  test("a scan's finding shows its source line", async () => {
    await page.goto(`${server.url}scans/${fx.scanId}`);
    const hit = page.locator(".finding[data-line='5'] li.hit code");
    expect(await hit.textContent()).toContain("requests.post('https://api.openai.com/v1/chat/completions'");
    expect(await page.content()).not.toContain("abcdefghijklmnopqrstuvwx");
    await shot("scan");
  }, 30_000);

  test("other pages render", async () => {
    for (const [path, name] of [["sessions", "sessions"], ["sessions/sess-0001aaaa", "session"], ["alerts", "alerts"], ["presets", "presets"]] as const) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res!.status()).toBe(200);
      await shot(name);
    }
  }, 30_000);

  test("an alert is acknowledged in place (htmx sends the CSRF header)", async () => {
    await page.goto(`${server.url}alerts`);
    await page.click(`#alert-${fx.alertId} button`);
    await page.waitForSelector(`#alert-${fx.alertId}.acked`, { timeout: 5000 });
    expect(fx.store.listAlerts({ unackedOnly: true })).toHaveLength(0);
    await shot("alerts-acked");
  }, 30_000);

  test("a session is deleted from its page after a confirmation", async () => {
    const id = "sess-del-browser";
    fx.store.startSession({ ...sessionStart(id, Date.now() - 5000) });
    fx.store.appendEvents([connection({ session: id, host: "notes.example" })]);
    fx.store.endSession({ ...sessionStart(id, Date.now() - 5000), phase: "end", ts: Date.now(), exitCode: 0, counts: { connections: 1, violations: 1, destinations: 1 } });
    await page.goto(`${server.url}sessions/${id}`);
    await page.click("text=Delete this session…");
    await page.waitForSelector(`text=Delete session ${id}`);
    expect(fx.store.getSession(id)).not.toBeNull(); // asking is not deleting
    await page.click(`button:has-text("Delete session ${id}")`);
    await page.waitForSelector(`text=Session ${id} was deleted`);
    expect(new URL(page.url()).pathname).toBe("/sessions");
    expect(fx.store.getSession(id)).toBeNull();
    await shot("session-deleted");
  }, 30_000);

  test("a big session's destinations load after the page (htmx under the CSP)", async () => {
    const id = "sess-big-browser";
    fx.store.startSession({ type: "session", phase: "start", session: id, ts: Date.now(), target: { mode: "run", pid: 9, argv: ["etl"] }, policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true });
    fx.store.appendEvents(Array.from({ length: 20_001 }, (_, i) => connection({ session: id, host: `svc${i % 4}.example`, verdict: "allow" })));
    await page.goto(`${server.url}sessions/${id}`);
    await page.waitForSelector("#destinations", { timeout: 10_000 });
    expect(await page.locator("#destinations tbody tr").count()).toBe(4);
    await page.click("text=older connections…");
    await page.waitForFunction(() => document.querySelectorAll("#session-events tr[data-id]").length === 200, null, { timeout: 5000 });
    await shot("session-big");
  }, 30_000);

  test("no script errors or CSP refusals on any page visited", () => {
    // 422 answers of the invalid-policy save are expected; anything else is a problem.
    expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
  });

  test("requests without the token, with a foreign Host or from a foreign Origin are refused", async () => {
    const fresh = await ctx.newPage();
    await ctx.clearCookies();
    try {
      const noToken = await fresh.goto(server.url);
      expect(noToken!.status()).toBe(401);
      await fresh.screenshot({ path: join(artifacts, "refused-no-token.png") });
      // DNS rebinding: a foreign name that resolves to 127.0.0.1, even with the token.
      const rebound = await fresh.goto(`http://rebind.test:${server.port}/?token=${TOKEN}`);
      expect(rebound!.status()).toBe(400);
      // Log in, then let a page on another origin post a form to the server.
      await fresh.goto(`${server.url}?token=${TOKEN}`);
      const evil = Bun.serve({
        hostname: "127.0.0.1", port: 0,
        fetch: () => new Response(
          `<form id=f method=post action="${server.url}policies/save"><input name=name value=evil><input name=yaml value="default: allow"></form>`,
          { headers: { "content-type": "text/html" } },
        ),
      });
      try {
        await fresh.goto(`http://127.0.0.1:${evil.port}/`);
        const [nav] = await Promise.all([fresh.waitForNavigation(), fresh.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit())]);
        expect([401, 403]).toContain(nav!.status());
        expect(fx.store.getPolicy("evil")).toBeNull();
        await fresh.screenshot({ path: join(artifacts, "refused-foreign-origin.png") });
      } finally {
        evil.stop(true);
      }
    } finally {
      await fresh.close();
    }
  }, 30_000);
});
