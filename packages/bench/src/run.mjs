// `pnpm bench`: runs every benchmark section in turn and writes BENCHMARKS.md at the workspace root.
// `--quick` runs each section briefly, to prove it still runs (CI); the numbers are then not worth keeping.
// A section is a function `({ quick }) => Promise<{ table }>` returning its Markdown; add new ones to SECTIONS.

import { writeFileSync } from "node:fs";
import os from "node:os";
import { runPermissionBench } from "./permissions.mjs";

const SECTIONS = [{ title: "Permission checks", run: runPermissionBench }];

const quick = process.argv.includes("--quick");
const output = new URL("../../../BENCHMARKS.md", import.meta.url);

const cpus = os.cpus();
const header = [
  "# Benchmarks",
  "",
  "Written by `pnpm bench` (packages/bench). Benchmarks report; they never fail CI on speed.",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus.length} cores, ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${os.platform()} ${os.arch()}, ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at the start`,
  `- Node ${process.version}`,
  `- Mode: ${quick ? "quick (a smoke run: too short for the numbers to mean much)" : "full"}`,
];

const parts = [header.join("\n")];
for (const section of SECTIONS) {
  process.stderr.write(`bench: ${section.title}…\n`);
  const { table } = await section.run({ quick });
  console.log(`${table}\n`);
  parts.push(table);
}
writeFileSync(output, `${parts.join("\n\n")}\n`);
process.stderr.write(`bench: wrote ${output.pathname}\n`);
