// The scale benchmark on MySQL / MariaDB: do the listing and audit queries stay flat from 10,000 to 1,000,000
// users? The same queries and target as packages/adapter-postgres/bench/scale.mjs.
//
//   pnpm --filter @gatehousejs/adapter-mysql bench            # 10,000 then 1,000,000 users (several minutes)
//   pnpm --filter @gatehousejs/adapter-mysql bench -- --quick # 10,000 only (a smoke test)
//
// It seeds one organization in a database of its own on MYSQL_URL (default mysql://root@127.0.0.1:3306/test)
// with INSERT … SELECT over a cross join of digits, one audit entry per user, times each query through the store
// (median of many runs), prints the ratio 1M / 10k and EXPLAIN's access path for the exact SQL the store ran,
// then drops the database. Plain JavaScript on the built package, so it needs nothing but Node.

import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Kysely, MysqlDialect, sql } from "kysely";
import { createPool } from "mysql2";
import { createMysqlStore, migrateToLatest } from "../dist/index.js";

const quick = process.argv.includes("--quick");
const SIZES = quick ? [10_000] : [10_000, 1_000_000];
const RUNS = 101;
const WARMUP = 25;
const PAGE = 50;
const CHUNK = 100_000;
const TARGET_RATIO = 1.5;
const ORG = "org_bench";
const url = new URL(process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test");
const database = `gh_bench_${randomBytes(4).toString("hex")}`;
const JAN_2026_MS = Date.UTC(2026, 0, 1);

const connection = {
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username || "root"),
  password: decodeURIComponent(url.password),
};
const admin = new Kysely({
  dialect: new MysqlDialect({ pool: createPool({ ...connection, connectionLimit: 1 }) }),
});
await sql`create database ${sql.id(database)}`.execute(admin);
const pool = createPool({ ...connection, database, connectionLimit: 4 });
/** The SQL and parameters of the last query the store ran, for EXPLAIN. */
let lastQuery = null;
const db = new Kysely({
  dialect: new MysqlDialect({ pool }),
  log: (event) => {
    if (event.level === "query")
      lastQuery = { sql: event.query.sql, parameters: [...event.query.parameters] };
  },
});
const store = createMysqlStore({ db });
const userNo = (expression) => sql`lpad(${expression}, 7, '0')`;

function progress(line) {
  process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(70)}` : `${line}\n`);
}

/** Users `from`..`to` (1-based): one role each (every hundredth an administrator) and one audit entry each. */
async function seed(from, to) {
  const started = performance.now();
  const now = Date.now();
  for (let low = from; low <= to; low += CHUNK) {
    const high = Math.min(low + CHUNK - 1, to);
    const i = sql.ref("i");
    // The numbers low..high, from five copies of the digits 0-9.
    const series = sql`(select ${low} + d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d as i
      from bench_digits d1, bench_digits d2, bench_digits d3, bench_digits d4, bench_digits d5
      where d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d <= ${high - low}) as series`;
    await sql`
      insert into users (id, organization_id, email, given_name, given_name_search, family_name,
        family_name_search, status, password_change_required, backup_code_hashes, created_at, updated_at)
      select concat('usr_', ${userNo(i)}), ${ORG}, concat('user', ${userNo(i)}, '@bench.example'), 'Bench',
        'bench', concat('User ', i), concat('user ', i), 'active', false, '[]', ${now}, ${now}
      from ${series}`.execute(db);
    await sql`
      insert into user_roles (user_id, role_id, organization_id, position)
      select concat('usr_', ${userNo(i)}),
        case when i % 100 = 0 then 'platform.administrator' else 'callback.viewer' end, ${ORG}, 0
      from ${series}`.execute(db);
    // Entry i is the newest so far; its actor is one of the 100 administrators of the first 10,000 users.
    await sql`
      insert into audit_log (id, organization_id, at, action, actor_kind, actor_id, actor_email,
        subject_user_id, subject_email, details)
      select concat('aud_', lpad(i, 9, '0')), ${ORG}, ${JAN_2026_MS} + i * 1000, 'user.updated', 'member',
        concat('usr_', ${userNo(sql`(i % 100 + 1) * 100`)}), null, concat('usr_', ${userNo(i)}),
        concat('user', ${userNo(i)}, '@bench.example'), '{"fields":["givenName"]}'
      from ${series}`.execute(db);
    const rate = Math.round((high - from + 1) / ((performance.now() - started) / 1000));
    progress(
      `seeding users ${high.toLocaleString("en")} / ${to.toLocaleString("en")} (${rate.toLocaleString("en")}/s)`,
    );
  }
  progress(`analyzing ${to.toLocaleString("en")} users and audit entries`);
  await sql`analyze table users, user_roles, audit_log`.execute(db);
  process.stdout.write("\n");
}

/** The queries, each a call of the store (the same as the Postgres benchmark's). */
function queries(size) {
  const middle = Math.floor(size / 2);
  const id = `usr_${String(middle).padStart(7, "0")}`;
  // The cursor format is the store's (base64url JSON of the sort key): built here to jump to the middle.
  const deepCursor = Buffer.from(
    JSON.stringify([`user${String(middle).padStart(7, "0")}@bench.example`, id]),
  ).toString("base64url");
  return [
    ["users: first page of 50", () => store.users.list({ organizationId: ORG, limit: PAGE })],
    [
      "users: page after a deep cursor",
      () => store.users.list({ organizationId: ORG, limit: PAGE, cursor: deepCursor }),
    ],
    [
      'users: search e-mail prefix "user00012"',
      () => store.users.list({ organizationId: ORG, limit: PAGE, search: "user00012" }),
    ],
    [
      'users: search name prefix "bench user 12"',
      () => store.users.list({ organizationId: ORG, limit: PAGE, search: "bench user 12" }),
    ],
    [
      'users: search family name prefix "user 12"',
      () => store.users.list({ organizationId: ORG, limit: PAGE, search: "user 12" }),
    ],
    [
      'users: search name prefix "bench" (all match)',
      () => store.users.list({ organizationId: ORG, limit: PAGE, search: "bench" }),
    ],
    [
      "audit: page of one administrator",
      () => store.audit.list({ organizationId: ORG, userId: "usr_0000100", limit: PAGE }),
    ],
    ["audit: page of the organization", () => store.audit.list({ organizationId: ORG, limit: PAGE })],
  ];
}

async function median(run) {
  for (let i = 0; i < WARMUP; i++) await run();
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** EXPLAIN of the query the store ran last, as "table:access(index) rows" per step. */
async function planOf() {
  const [rows] = await pool.promise().query(`explain ${lastQuery.sql}`, lastQuery.parameters);
  return rows
    .map(
      (row) =>
        `${row.table}:${row.type}${row.key ? `(${row.key})` : ""}${row.Extra ? ` [${row.Extra}]` : ""}`,
    )
    .join(" > ");
}

async function main() {
  const { rows } = await sql`select version() as version`.execute(db);
  console.log(`Gatehouse scale benchmark on ${rows[0].version} at ${url.host}, database ${database}`);
  await migrateToLatest(db);
  await sql`create table bench_digits (d int primary key)`.execute(db);
  await sql`insert into bench_digits values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)`.execute(db);
  await store.organizations.create({
    id: ORG,
    name: "Bench",
    settings: { mfa: "off", authMode: "password", provisioning: "invite", preset: "enterprise" },
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const results = new Map();
  let seeded = 0;
  for (const size of SIZES) {
    await seed(seeded + 1, size);
    seeded = size;
    for (const [name, run] of queries(size)) {
      const page = await run();
      if (page.items.length !== PAGE)
        throw new Error(`${name}: expected ${PAGE} rows, got ${page.items.length}`);
      const ms = await median(run);
      const plan = await planOf();
      results.set(name, [...(results.get(name) ?? []), { size, ms, plan }]);
    }
  }

  const header = ["query", ...SIZES.map((size) => `${size.toLocaleString("en")} users`)];
  if (!quick) header.push("1M / 10k");
  const table = [...results].map(([name, runs]) => {
    const cells = [name, ...runs.map((run) => `${run.ms.toFixed(2)} ms`)];
    if (!quick) {
      const ratio = runs[1].ms / runs[0].ms;
      cells.push(`${ratio.toFixed(2)}× ${ratio <= TARGET_RATIO ? "ok" : "OVER"}`);
    }
    return cells;
  });
  console.log(
    `\nmedian of ${RUNS} runs through the store (page of ${PAGE}); target: 1M within ${TARGET_RATIO}× of 10k\n`,
  );
  console.log(markdownTable(header, table));
  console.log(`\nplans at ${SIZES.at(-1).toLocaleString("en")} users (EXPLAIN of the SQL the store ran):\n`);
  for (const [name, runs] of results) console.log(`- ${name}: ${runs.at(-1).plan}`);
}

function markdownTable(header, rows) {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

try {
  await main();
} finally {
  await db.destroy().catch(() => undefined);
  await sql`drop database if exists ${sql.id(database)}`.execute(admin).catch(() => undefined);
  await admin.destroy();
}
