// Checks the browser bundle of /matrix and /policy: nothing of Node or argon2 in it, and it works.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const file = resolve(process.argv[2] ?? "dist/app.js");
const code = readFileSync(file, "utf8");
for (const forbidden of ['"node:', "require(", "@node-rs/argon2", "process.env"]) {
  assert.ok(!code.includes(forbidden), `the browser bundle contains ${forbidden}`);
}
const app = await import(pathToFileURL(file).href);
assert.equal(app.canExport, true);
assert.equal(app.canExportAudit, false);
assert.match(app.tables, /## Platform Management/);
console.log(`browser bundle: ${(code.length / 1024).toFixed(1)} KiB, no Node built-ins, no argon2`);
