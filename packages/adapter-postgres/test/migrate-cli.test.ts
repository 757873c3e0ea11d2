import { PGlite } from "@electric-sql/pglite";
import { makeOrganization } from "@gatehousejs/core/testing/fixtures";
import { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createPGliteDialect, createPostgresStore } from "../src/index.js";
import { runCli } from "./support/cli-io.js";

describe("gatehouse-migrate without a server", () => {
  const opened: Kysely<unknown>[] = [];
  afterAll(async () => {
    for (const db of opened) await db.destroy();
  });

  it("--sql prints every migration without connecting, and the SQL alone makes a working store", async () => {
    const run = await runCli(["--sql", "--schema", "auth"], {}, () => {
      throw new Error("--sql must not connect");
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^create schema if not exists "auth";\n\n-- 0001_initial\n/);
    expect(run.stdout).toContain('create table "auth"."users"');

    // A team applying the printed file with its own tool gets the tables the store needs.
    const pglite = await PGlite.create();
    await pglite.exec(run.stdout);
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(pglite) });
    opened.push(db);
    const store = createPostgresStore({ db, schema: "auth" });
    const organization = makeOrganization();
    await store.organizations.create(organization);
    expect((await store.organizations.findById(organization.id))?.name).toBe(organization.name);
  });

  it("without --schema, --sql prints unqualified tables and no schema statement", async () => {
    const run = await runCli(["--sql"]);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain("create schema");
    expect(run.stdout).toContain('create table "users"');
  });

  it("refuses wrong usage with status 2 and the usage text, before touching a database", async () => {
    const connect = () => Promise.reject(new Error("must not connect"));
    const env = { DATABASE_URL: "postgres://nowhere.invalid/db" };
    for (const args of [["--bogus"], ["--dry-run", "--sql"], ["--schema", "drop table x;"]]) {
      const run = await runCli(args, env, connect);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toContain("Usage: gatehouse-migrate");
    }
    const noUrl = await runCli([], {}, connect);
    expect(noUrl).toMatchObject({ status: 2, stdout: "" });
    expect(noUrl.stderr).toContain("DATABASE_URL");
  });

  it("--help prints the usage with status 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--dry-run");
  });

  it("an unreachable database is status 1 naming STORAGE_UNAVAILABLE", async () => {
    const run = await runCli([], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("STORAGE_UNAVAILABLE");
  });
});
