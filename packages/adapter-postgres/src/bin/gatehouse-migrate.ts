#!/usr/bin/env node
// The `gatehouse-migrate` command: see `gatehouse-migrate --help` and the package README.
import { runMigrateCli } from "../cli/migrate.js";

// No top-level await: the build also emits a CommonJS copy of every entry.
void runMigrateCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
