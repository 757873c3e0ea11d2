import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const main = fileURLToPath(new URL("../src/main.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

test("prints the shipped matrix as the product's tables", () => {
  const out = execFileSync(process.execPath, [main], { encoding: "utf8" });
  expect(out).toContain("## Platform Management");
  expect(out).toContain("| User Management | All | View and edit existing users | View only |");
});

test("answers a permission question with its exit code", () => {
  expect(run("callback.viewer", "callback.exports", "export")).toMatchObject({ status: 0 });
  const denied = run("callback.viewer,platform.viewer", "callback.exports", "export-audit");
  expect(denied.status).toBe(1);
  expect(denied.stdout).toContain("may not export-audit");
});

test("names an unknown role instead of crashing", () => {
  const result = run("callback.owner", "callback.exports", "view");
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('There is no role "callback.owner"');
});
