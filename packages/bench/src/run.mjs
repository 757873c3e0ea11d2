// `pnpm bench`: runs every benchmark section in turn and writes BENCHMARKS.md at the workspace root.
// `--quick` runs each section briefly, to prove it still runs (CI); the numbers are then not worth keeping.
// `--full` asks for the long variants (the Postgres and MySQL scale benchmarks at 1,000,000 users);
// sections without one ignore it.
// A section is a function `({ quick, full }) => Promise<{ table }>` returning its Markdown; add new ones to
// SECTIONS. Sections on PostgreSQL and Redis use DATABASE_URL and REDIS_URL (a fresh schema and key prefix per
// run, removed afterwards) and report "not run" when a server does not answer.

import { writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { runAnswerTimingBench } from "./answer-timing.mjs";
import { runBruteForceBench } from "./brute-force.mjs";
import { runBulkInviteBench } from "./bulk-invite.mjs";
import { runLoginBench } from "./login.mjs";
import { runMysqlScaleBench } from "./mysql-scale.mjs";
import { runPermissionBench } from "./permissions.mjs";
import { runSessionBench } from "./session.mjs";

const SECTIONS = [
  { title: "Permission checks", run: runPermissionBench },
  { title: "Login cost", run: runLoginBench },
  { title: "Bulk invite", run: runBulkInviteBench },
  { title: "Session validation", run: runSessionBench },
  { title: "MySQL scale", run: runMysqlScaleBench },
  { title: "Brute force", run: runBruteForceBench },
  { title: "Answer timing", run: runAnswerTimingBench },
];

const quick = process.argv.includes("--quick");
const full = process.argv.includes("--full");
if (quick && full) throw new Error("--quick and --full exclude each other");
const output = new URL("../../../BENCHMARKS.md", import.meta.url);

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const cpus = os.cpus();
const header = [
  "# Benchmarks",
  "",
  "Written by `pnpm bench` (packages/bench). Benchmarks report; they never fail CI on speed.",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus.length} cores, ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${os.platform()} ${os.arch()}, ` +
    `load average ${loadAverage()} at the start`,
  `- Node ${process.version}`,
  `- Mode: ${quick ? "quick (a smoke run: too short for the numbers to mean much)" : full ? "full, with --full's long variants" : "full"}`,
];

const parts = [header.join("\n")];
const started = performance.now();
for (const section of SECTIONS) {
  process.stderr.write(`bench: ${section.title}…\n`);
  const sectionStarted = performance.now();
  const { table } = await section.run({ quick, full });
  process.stderr.write(
    `bench: ${section.title} took ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s\n`,
  );
  console.log(`${table}\n`);
  parts.push(table);
}
parts[0] += `\n- Took ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAverage()} at the end`;
writeFileSync(output, `${parts.join("\n\n")}\n`);
process.stderr.write(`bench: wrote ${output.pathname}\n`);
