import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// The server as `pnpm demo` starts it (from the TypeScript sources, `--dev`), in a temporary data directory:
// what it prints, how it stops, and what it does with a taken port or a public address.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FLAGS = [
  "--experimental-transform-types",
  "--no-warnings=ExperimentalWarning",
  "--conditions=@gatehousejs/source",
  "--import",
  "./examples/express-app/scripts/register-sources.mjs",
  "examples/express-app/src/server.js",
];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, args: string[] = ["--dev"]): Run {
  const child = spawn(process.execPath, [...FLAGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "", GATEHOUSE_DEV: "", ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(run: Run, text: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!run.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`never printed ${text}:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the demo server", () => {
  let dir: string;
  let first: Run;
  const port = String(3300 + Math.floor(Math.random() * 500));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-server-"));
    first = start({ DATA_DIR: join(dir, "a"), PORT: port });
    await until(first, "Ctrl-C stops it.");
  });
  afterAll(() => {
    first.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  test("the first start says what it does and prints the credentials once, without the e-mail", async () => {
    const out = first.output();
    expect(out).toContain("Opening the embedded database…");
    const password = /temporary password: (\S+)/.exec(out)?.[1] ?? "";
    expect(password.length).toBeGreaterThan(12);
    expect(out.split(password)).toHaveLength(2);
    expect(out).not.toContain("You have been invited");
    expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
  });

  test("a taken port is named, and the process fails", async () => {
    const second = start({ DATA_DIR: join(dir, "b"), PORT: port });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`Port ${port} on 127.0.0.1 is taken`);
    expect(second.output()).not.toContain("temporary password");
  });

  test("development mode on a public address is refused", async () => {
    const open = start({ DATA_DIR: join(dir, "c"), PORT: port, HOST: "0.0.0.0" });
    expect(await open.exited).toBe(1);
    expect(open.output()).toContain("not a loopback address");
  });

  test("Ctrl-C stops it quietly with status 0", async () => {
    const before = first.output();
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(first.output()).toBe(before);
  });
});
