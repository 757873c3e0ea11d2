import type { GatehouseError } from "@gatehousejs/core";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMysqlStore, migrateToLatest } from "../src/index.js";
import { gatehouseMigrations } from "../src/migrations/index.js";
import { connect, createFreshDatabase, describeWithServer, dropDatabase } from "./support/databases.js";

// Identity links are keyed by the SHA-256 of (issuer, subject): an issuer of 2,000 characters and a long
// subject, too long for an InnoDB key, are still one exact key.
await describeWithServer("mysql: the SSO migration", () => {
  let database = "";
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createFreshDatabase();
    db = connect({ database });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    await dropDatabase(database);
  });

  it("a link with a 2,000-character issuer and a 1,000-character subject is stored, found and unique", async () => {
    const links = createMysqlStore({ db }).identityLinks;
    const link = {
      issuer: `https://idp.example.test/${"i".repeat(1975)}`,
      subject: "s".repeat(1000),
      userId: "usr_long",
      organizationId: "org_long",
      createdAt: new Date("2026-03-01T10:00:00.001Z"),
    };
    await links.create(link);
    expect(await links.find(link.issuer, link.subject)).toEqual(link);
    expect(await links.find(link.issuer, `${link.subject.slice(1)}t`)).toBeNull();
    const refused = await links.create({ ...link, userId: "usr_other" }).catch((error: unknown) => error);
    expect((refused as GatehouseError).code).toBe("CONFLICT");
    // The length prefix keeps ("ab", "c") and ("a", "bc") apart.
    await links.create({ ...link, issuer: `${link.issuer}s`, subject: link.subject.slice(1) });
  });

  it("0002_sso goes down and up again", async () => {
    const { rows } = await sql<{ collation: string }>`select table_collation as collation
      from information_schema.tables where table_schema = database() and table_name = 'organizations'`.execute(
      db,
    );
    const { "0002_sso": sso } = gatehouseMigrations(rows[0]?.collation ?? "");
    await sso?.down?.(db);
    const tables = async () =>
      (
        await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = database() and table_name in ('sso_connections', 'sso_domains', 'identity_links')`.execute(
          db,
        )
      ).rows.length;
    expect(await tables()).toBe(0);
    await sso?.up(db);
    expect(await tables()).toBe(3);
  });
});
