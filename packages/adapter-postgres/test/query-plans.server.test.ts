import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { DATABASE_URL, describeWithServer, freshSchemaName } from "./support/databases.js";

// The listing and audit queries must be index range scans that stop after the page, whatever the size of the
// organization (the benchmark times them at 1,000,000 users). With 20,000 rows the planner has a real choice,
// so a regression to a sequential scan or a sort of the whole organization shows here.

const SIZE = 20_000;
const ORG = "org_plans";

await describeWithServer("query plans (server)", () => {
  const schema = freshSchemaName();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  pool.on("error", () => undefined);
  let last: { sql: string; parameters: unknown[] } | undefined;
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query") last = { sql: event.query.sql, parameters: [...event.query.parameters] };
    },
  });
  const store = createPostgresStore({ db, schema });
  const table = (name: string) => sql.table(`${schema}.${name}`);

  beforeAll(async () => {
    await migrateToLatest(db, { schema });
    const n = sql`lpad(i::text, 6, '0')`;
    const series = sql`generate_series(1, ${SIZE}::int) as i`;
    await sql`insert into ${table("users")} (id, organization_id, email, given_name, given_name_search,
        family_name, family_name_search, status, password_change_required, created_at, updated_at)
      select 'usr_' || ${n}, ${ORG}, 'user' || ${n} || '@plans.test', 'Plan', 'plan', 'Member ' || i,
        'member ' || i, 'active', false, now(), now() from ${series}`.execute(db);
    await sql`insert into ${table("user_roles")} (user_id, role_id, organization_id, position)
      select 'usr_' || ${n}, 'callback.viewer', ${ORG}, 0 from ${series}`.execute(db);
    await sql`insert into ${table("audit_log")} (id, organization_id, at, action, actor_kind, actor_id,
        subject_user_id, details)
      select 'aud_' || ${n}, ${ORG}, timestamptz '2026-01-01' + i * interval '1 second', 'user.updated', 'member',
        'usr_' || lpad((i % 100 + 1)::text, 6, '0'), 'usr_' || ${n}, '{}'::jsonb from ${series}`.execute(db);
    for (const name of ["users", "user_roles", "audit_log"]) await sql`analyze ${table(name)}`.execute(db);
  });
  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
  });

  /** The plan nodes of the last query the store ran, as "Node Type(index)". */
  async function planOfLastQuery(): Promise<string[]> {
    if (last === undefined) throw new Error("no query was logged");
    const { rows } = await pool.query(`explain (format json) ${last.sql}`, last.parameters);
    const nodes: string[] = [];
    const visit = (node: { "Node Type": string; "Index Name"?: string; Plans?: unknown[] }): void => {
      nodes.push(node["Index Name"] ? `${node["Node Type"]}(${node["Index Name"]})` : node["Node Type"]);
      for (const child of node.Plans ?? []) visit(child as typeof node);
    };
    visit(rows[0]["QUERY PLAN"][0].Plan);
    return nodes;
  }

  const cursor = Buffer.from(JSON.stringify(["user010000@plans.test", "usr_010000"])).toString("base64url");
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    [
      "the first page of users",
      () => store.users.list({ organizationId: ORG, limit: 50 }),
      "users_listing_idx",
    ],
    [
      "a page after a deep cursor",
      () => store.users.list({ organizationId: ORG, limit: 50, cursor }),
      "users_listing_idx",
    ],
    [
      "an e-mail prefix search",
      () => store.users.list({ organizationId: ORG, limit: 50, search: "user0123" }),
      "users_listing_idx",
    ],
    [
      "a rare name prefix search",
      () => store.users.list({ organizationId: ORG, limit: 50, search: "plan member 1999" }),
      "users_name_search_idx",
    ],
    [
      "a rare family name prefix search",
      () => store.users.list({ organizationId: ORG, limit: 50, search: "member 1999" }),
      "users_family_name_search_idx",
    ],
    [
      "one user's audit page",
      () => store.audit.list({ organizationId: ORG, userId: "usr_000001", limit: 50 }),
      "audit_log_actor_idx",
    ],
    [
      "the organization's audit page",
      () => store.audit.list({ organizationId: ORG, limit: 50 }),
      "audit_log_organization_idx",
    ],
  ];

  for (const [name, run, index] of cases) {
    it(`${name} is an index range scan (${index}), never a sequential scan`, async () => {
      await run();
      const plan = await planOfLastQuery();
      expect(plan.join(" > ")).toContain(index);
      expect(plan.filter((node) => node.startsWith("Seq Scan"))).toEqual([]);
      expect(plan[0]).toBe("Limit");
    });
  }
});
