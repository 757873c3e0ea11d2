import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";
import { runCli } from "./support/cli-io.js";
import {
  connectServer,
  DATABASE_URL,
  describeWithServer,
  dropSchema,
  freshSchemaName,
} from "./support/databases.js";

await describeWithServer("gatehouse-migrate (server)", () => {
  const admin = connectServer(2);
  const schemas: string[] = [];
  const newSchema = () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    return schema;
  };
  const env = { DATABASE_URL };
  const tablesIn = async (schema: string) => {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = ${schema}`.execute(admin);
    return rows.map((row) => row.name).sort();
  };
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(admin, schema);
    await admin.destroy();
  });

  it("applies the migrations to a fresh schema from DATABASE_URL, then reports it up to date", async () => {
    const schema = newSchema();
    const first = await runCli(["--schema", schema], env);
    expect(first).toEqual({
      status: 0,
      stdout: `Applied 0001_initial, 0002_name_parts, 0003_sso, 0004_authorization_versions to schema ${schema}.\n`,
      stderr: "",
    });
    expect(await tablesIn(schema)).toContain("users");
    expect(await tablesIn(schema)).toContain("gatehouse_migrations");
    const second = await runCli(["--schema", schema], env);
    expect(second).toEqual({ status: 0, stdout: `Schema ${schema} is up to date.\n`, stderr: "" });
  });

  it("--dry-run prints the pending SQL and leaves the database untouched", async () => {
    const schema = newSchema();
    const run = await runCli(["--dry-run", "--schema", schema], env);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`-- 4 migration(s) pending in schema ${schema}; nothing was applied.`);
    expect(run.stdout).toContain(`create table "${schema}"."users"`);
    expect(await tablesIn(schema)).toEqual([]);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.schemata where schema_name = ${schema}`.execute(
      admin,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("--dry-run after a migration reports nothing pending and prints no SQL", async () => {
    const schema = newSchema();
    expect((await runCli(["--schema", schema], env)).status).toBe(0);
    const run = await runCli(["--dry-run", "--schema", schema], env);
    expect(run).toEqual({
      status: 0,
      stdout: `-- 0 migration(s) pending in schema ${schema}; nothing was applied.\n`,
      stderr: "",
    });
  });

  it("a host table of the same name stops it with status 1 and CONFIGURATION, nothing else created", async () => {
    const schema = newSchema();
    await sql`create schema ${sql.id(schema)}`.execute(admin);
    await sql`create table ${sql.id(schema, "users")} (id serial primary key)`.execute(admin);
    const run = await runCli(["--schema", schema], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CONFIGURATION");
    expect(await tablesIn(schema)).not.toContain("organizations");
  });
});
