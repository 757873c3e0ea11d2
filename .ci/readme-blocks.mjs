// Extracts every TypeScript code block (```ts / ```typescript) of every README of the repository into its
// own module, so that a consumer project can typecheck them against the packed packages:
//   node .ci/readme-blocks.mjs <out-dir>
// A block that truly cannot compile is marked ```ts no-check <reason>; it is listed and skipped, and a
// no-check without a reason fails. ```ts <name> writes the block to <name>.ts, for a check that runs it.
// A block gets `export {};` appended (top-level await needs a module) and keeps its README lines, so tsc's
// line numbers plus the block's start line (in its file name) give the README line.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const top = join(import.meta.dirname, "..");
const out = process.argv[2];
if (!out) {
  console.error("usage: node .ci/readme-blocks.mjs <out-dir>");
  process.exit(2);
}

const readmes = ["README.md"];
for (const folder of ["packages", "examples"]) {
  for (const entry of readdirSync(join(top, folder), { withFileTypes: true })) {
    if (entry.isDirectory()) readmes.push(join(folder, entry.name, "README.md"));
  }
}

mkdirSync(out, { recursive: true });
let written = 0;
let failed = false;
for (const readme of readmes) {
  let text;
  try {
    text = readFileSync(join(top, readme), "utf8");
  } catch {
    continue;
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    if (end === -1) throw new Error(`${readme}:${i + 1}: unclosed code block`);
    const where = `${readme}:${i + 1}`;
    const info = fence[2].trim();
    if (info.startsWith("no-check")) {
      const reason = info.slice("no-check".length).trim();
      if (reason === "") {
        console.error(`${where}: a no-check block must say why it cannot compile`);
        failed = true;
      } else {
        console.log(`skipped ${where} (no-check: ${reason})`);
      }
    } else {
      // A word after the language names the block's file (```ts quick-start), for a check that runs it.
      const tag = /^[a-z][a-z0-9-]*$/.test(info) ? info : null;
      const name = `${tag ?? `${readme.replaceAll("/", "_").replace(/\.md$/, "")}_L${i + 2}`}.ts`;
      writeFileSync(join(out, name), `${lines.slice(i + 1, end).join("\n")}\nexport {};\n`);
      written++;
    }
    i = end;
  }
}
console.log(
  `${written} TypeScript blocks from ${readmes.length} READMEs into ${relative(process.cwd(), out) || "."}`,
);
if (failed) process.exit(1);
