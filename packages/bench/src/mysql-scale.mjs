// The MySQL / MariaDB scale check (issue 17, item 4): packages/adapter-mysql/bench/scale.mjs in a child process,
// the listing and audit queries of the Postgres scale benchmark through the MySQL store, at 10,000 users, or
// 10,000 and 1,000,000 with `--full` (target: 1M within 1.5× of 10k). Uses MYSQL_URL (a database of its own,
// dropped after); without a server the section is "not run" (with CI=true it fails).
// Run alone with `node src/mysql-scale.mjs [--full]`, or through `src/run.mjs`.

import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { markdownTable } from "./harness.mjs";

const SCALE = new URL("../../adapter-mysql/bench/scale.mjs", import.meta.url);
const mysqlUrl = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Runs the MySQL scale check and returns its Markdown section and the report as printed. */
export async function runMysqlScaleBench({ full = false } = {}) {
  const title = `## MySQL scale: ${full ? "10,000 and 1,000,000 users" : "10,000 users (`--full`: also 1,000,000)"}`;
  let stdout;
  try {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [fileURLToPath(SCALE), ...(full ? [] : ["--quick"])],
      { env: process.env, maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (error) {
    const output = `${error.stderr ?? ""}${error.message ?? ""}`;
    if (!/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Access denied/.test(output)) throw error;
    const reason = `no MySQL or MariaDB server answered at ${mysqlUrl.replace(/\/\/[^@]*@/, "//")}`;
    if (process.env.CI === "true") throw new Error(`the MySQL scale check needs its server: ${reason}`);
    return {
      table: [title, "", markdownTable(["Part", "Result"], [["MySQL scale", `not run: ${reason}`]])].join(
        "\n",
      ),
      report: null,
    };
  }
  const lines = stdout.split("\n");
  const server = lines.find((line) => line.startsWith("Gatehouse scale benchmark on")) ?? "";
  const start = lines.findIndex((line) => line.startsWith("median of"));
  const report = (start >= 0 ? lines.slice(start) : lines).join("\n").trim();
  const table = [
    title,
    "",
    "packages/adapter-mysql/bench/scale.mjs in a child process, its report as printed: the queries of the " +
      `Postgres scale benchmark through the MySQL store (seeded in a database of its own, dropped after). ${server.replace("Gatehouse scale benchmark on ", "Server: ").replace(/, database .*$/, "")}. ` +
      "MySQL 8 itself is not measured here.",
    "",
    report,
  ].join("\n");
  return { table, report };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runMysqlScaleBench({ full: process.argv.includes("--full") });
  console.log(table);
}
