import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import {
  connectServer,
  DATABASE_URL,
  describeWithServer,
  dropSchema,
  freshSchemaName,
} from "./support/databases.js";
import { organization } from "./support/fixtures.js";

const GATEHOUSE_TABLES = [
  "audit_log",
  "authorization_versions",
  "gatehouse_migrations",
  "gatehouse_migrations_lock",
  "identity_links",
  "login_attempts",
  "organizations",
  "roles",
  "sessions",
  "sso_connections",
  "sso_domains",
  "tokens",
  "user_roles",
  "users",
];

await describeWithServer("migrations (server)", () => {
  const admin = connectServer(2);
  const schemas: string[] = [];
  const newSchema = () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    return schema;
  };
  const tablesIn = async (schema: string) => {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = ${schema} order by 1`.execute(
      admin,
    );
    return rows.map((row) => row.name);
  };
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(admin, schema);
    await admin.destroy();
  });

  it("migrateToLatest creates the schema and every table in it, then does nothing the second time", async () => {
    const schema = newSchema();
    expect(await migrateToLatest(admin, { schema })).toEqual({
      executed: ["0001_initial", "0002_name_parts", "0003_sso", "0004_authorization_versions"],
    });
    expect(await migrateToLatest(admin, { schema })).toEqual({ executed: [] });
    expect(await tablesIn(schema)).toEqual(GATEHOUSE_TABLES);
  });

  it("processes migrating the same schema at once apply each migration exactly once", async () => {
    const schema = newSchema();
    const pools = Array.from({ length: 4 }, () => connectServer(2));
    const reports = await Promise.all(pools.map((db) => migrateToLatest(db, { schema })));
    expect(reports.flatMap((report) => report.executed)).toEqual([
      "0001_initial",
      "0002_name_parts",
      "0003_sso",
      "0004_authorization_versions",
    ]);
    await Promise.all(pools.map((db) => db.destroy()));
  });

  it("without a schema, the tables go to the connection's search_path", async () => {
    const schema = newSchema();
    await sql`create schema ${sql.id(schema)}`.execute(admin);
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db);
    expect(await tablesIn(schema)).toEqual(GATEHOUSE_TABLES);
    const store = createPostgresStore({ db });
    const created = organization();
    await store.organizations.create(created);
    expect(await store.organizations.findById(created.id)).toEqual(created);
    await db.destroy();
  });

  it("two schemas are two independent installations in one database", async () => {
    const [a, b] = [newSchema(), newSchema()];
    await migrateToLatest(admin, { schema: a });
    await migrateToLatest(admin, { schema: b });
    const created = organization();
    await createPostgresStore({ db: admin, schema: a }).organizations.create(created);
    expect(await createPostgresStore({ db: admin, schema: b }).organizations.findById(created.id)).toBeNull();
  });
});
