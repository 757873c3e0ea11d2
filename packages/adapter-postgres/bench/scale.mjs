// The scale benchmark: do the listing and audit queries stay flat from 10,000 to 1,000,000 users?
//
//   pnpm --filter @gatehousejs/adapter-postgres bench            # 10,000 then 1,000,000 users (a few minutes)
//   pnpm --filter @gatehousejs/adapter-postgres bench -- --quick # 10,000 only (a CI smoke test)
//
// It seeds one organization in a schema of its own on DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test) with INSERT … SELECT generate_series, one audit entry per user,
// times each query through the store (median of many runs), prints the ratio 1M / 10k and the plan nodes
// of EXPLAIN for the exact SQL the store ran, then drops the schema. Plain JavaScript on the built
// package, so it needs nothing but Node.

import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { createPostgresStore, migrateToLatest } from "../dist/index.js";

const quick = process.argv.includes("--quick");
const SIZES = quick ? [10_000] : [10_000, 1_000_000];
const RUNS = 101;
const WARMUP = 25;
const PAGE = 50;
const CHUNK = 100_000;
const TARGET_RATIO = 1.5;
const ORG = "org_bench";
const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `gh_bench_${randomBytes(4).toString("hex")}`;

const pool = new pg.Pool({ connectionString: url, max: 4 });
pool.on("error", () => undefined);
/** The SQL and parameters of the last query the store ran, for EXPLAIN. */
let lastQuery = null;
const db = new Kysely({
  dialect: new PostgresDialect({ pool }),
  log: (event) => {
    if (event.level === "query")
      lastQuery = { sql: event.query.sql, parameters: [...event.query.parameters] };
  },
});
const store = createPostgresStore({ db, schema });
const t = (name) => sql.table(`${schema}.${name}`);
const pad = (width) => (expression) => sql`lpad((${expression})::text, ${sql.lit(width)}, '0')`;
const userNo = pad(7);

function progress(line) {
  process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(70)}` : `${line}\n`);
}

/** Users `from`..`to` (1-based): one role each (every hundredth an administrator) and one audit entry each. */
async function seed(from, to) {
  const started = performance.now();
  for (let low = from; low <= to; low += CHUNK) {
    const high = Math.min(low + CHUNK - 1, to);
    const i = sql.ref("i");
    const series = sql`generate_series(${low}::int, ${high}::int) as i`;
    await sql`
      insert into ${t("users")} (id, organization_id, email, given_name, given_name_search, family_name,
        family_name_search, status, password_change_required, created_at, updated_at)
      select 'usr_' || ${userNo(i)}, ${ORG}, 'user' || ${userNo(i)} || '@bench.example', 'Bench', 'bench',
        'User ' || i, 'user ' || i, 'active', false, now(), now()
      from ${series}`.execute(db);
    await sql`
      insert into ${t("user_roles")} (user_id, role_id, organization_id, position)
      select 'usr_' || ${userNo(i)},
        case when i % 100 = 0 then 'platform.administrator' else 'callback.viewer' end, ${ORG}, 0
      from ${series}`.execute(db);
    // Entry i is the newest so far; its actor is one of the 100 administrators of the first 10,000 users.
    await sql`
      insert into ${t("audit_log")} (id, organization_id, at, action, actor_kind, actor_id, actor_email,
        subject_user_id, subject_email, details)
      select 'aud_' || ${pad(9)(i)}, ${ORG}, timestamptz '2026-01-01' + i * interval '1 second', 'user.updated',
        'member', 'usr_' || ${userNo(sql`(i % 100 + 1) * 100`)}, null,
        'usr_' || ${userNo(i)}, 'user' || ${userNo(i)} || '@bench.example', '{"fields":["givenName"]}'::jsonb
      from ${series}`.execute(db);
    const rate = Math.round((high - from + 1) / ((performance.now() - started) / 1000));
    progress(
      `seeding users ${high.toLocaleString("en")} / ${to.toLocaleString("en")} (${rate.toLocaleString("en")}/s)`,
    );
  }
  progress(`analyzing ${to.toLocaleString("en")} users and audit entries`);
  for (const table of ["users", "user_roles", "audit_log"]) await sql`analyze ${t(table)}`.execute(db);
  process.stdout.write("\n");
}

/** The queries, each a call of the store. */
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
      `users: page after a deep cursor`,
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

/** The plan of the query the store ran last, as "Node(index) > Node …", depth first. */
async function planOf() {
  const { rows } = await pool.query(`explain (format json) ${lastQuery.sql}`, lastQuery.parameters);
  const names = [];
  const visit = (node) => {
    names.push(node["Index Name"] ? `${node["Node Type"]}(${node["Index Name"]})` : node["Node Type"]);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(rows[0]["QUERY PLAN"][0].Plan);
  return names.join(" > ");
}

async function main() {
  console.log(`Gatehouse scale benchmark on ${url.replace(/\/\/[^@]*@/, "//")}, schema ${schema}`);
  await migrateToLatest(db, { schema });
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
  const rows = [...results].map(([name, runs]) => {
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
  console.log(markdownTable(header, rows));
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
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db).catch(() => undefined);
  await db.destroy();
}
