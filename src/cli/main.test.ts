import { expect, test } from "bun:test";
import { commands } from "./commands/index.ts";
import { main } from "./main.ts";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

test("help TOPIC: a command's help, a group's subcommands, or an unknown command (exit 2)", async () => {
  expect((await run("help")).out).toContain("Usage: trustrun <command>");
  const check = await run("help", "policy", "check");
  expect(check.code).toBe(0);
  expect(check.out).toStartWith("Usage: trustrun policy check");
  const group = await run("help", "policy");
  expect(group.code).toBe(0);
  expect(group.out).toContain("policy validate");
  for (const words of [["nosuch"], ["policy", "nosuch"], ["run", "extra"]]) {
    const r = await run("help", ...words);
    expect([words.join(" "), r.code]).toEqual([words.join(" "), 2]);
    expect(r.err).toContain(`unknown command '${words.join(" ")}'`);
    expect(r.out).toBe("");
  }
});

test("every usage line names every option, unless it says [options]", () => {
  for (const c of commands) {
    if (c.usage.includes("[options]")) continue;
    const missing = Object.entries(c.options).filter(([name, spec]) => !c.usage.includes(`--${name}`) && !(spec.short && c.usage.includes(`-${spec.short} `)));
    expect([c.name, missing.map(([name]) => name)]).toEqual([c.name, []]);
  }
});
