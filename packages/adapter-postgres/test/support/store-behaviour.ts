import { isGatehouseError, type Store } from "@gatehousejs/core";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { createPostgresStore, purgeExpired } from "../../src/index.js";
import { auditEntry, newId, organization, session, token, user } from "./fixtures.js";

/** A migrated database and the schema the store lives in, made once for a file. */
export interface Engine {
  readonly db: () => Kysely<unknown>;
  readonly schema?: string;
}

/**
 * The adapter's own cases, beyond the conformance suite: what only a SQL store can get wrong (poisoned
 * transactions, collations, chunked statements, cascades) and the races the unique index settles.
 */
export function describePostgresBehaviour(engine: Engine): void {
  const store = (): Store => createPostgresStore({ db: engine.db(), schema: engine.schema });
  const newOrganization = async () => {
    const created = organization();
    await store().organizations.create(created);
    return created;
  };

  describe("users", () => {
    it("of 20 concurrent batches taking one address, one commits and every other names it in a CONFLICT", async () => {
      const { id } = await newOrganization();
      const email = `${newId("race")}@example.test`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => store().users.createMany([user(id), user(id, { email }), user(id)])),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "fulfilled") continue;
        expect(isGatehouseError(outcome.reason, "CONFLICT")).toBe(true);
        expect(outcome.reason.details.issues).toContainEqual(
          expect.objectContaining({ path: [email], reason: "already-registered" }),
        );
      }
      const { items } = await store().users.list({ organizationId: id, limit: 100 });
      expect(items).toHaveLength(3);
    });

    it("a batch names every taken address at once", async () => {
      const { id } = await newOrganization();
      const taken = [user(id), user(id)];
      await store().users.createMany(taken);
      const batch = [user(id), user(id, { email: taken[1]?.email }), user(id, { email: taken[0]?.email })];
      const error = await store()
        .users.createMany(batch)
        .catch((caught: unknown) => caught);
      expect(isGatehouseError(error, "CONFLICT")).toBe(true);
      const paths = (isGatehouseError(error) ? (error.details.issues ?? []) : []).map(
        (issue) => issue.path[0],
      );
      expect(paths).toEqual([taken[1]?.email, taken[0]?.email]);
    });

    it("a batch of 2,500 users with roles is stored whole (statements are chunked under the parameter limit)", async () => {
      const { id } = await newOrganization();
      const batch = Array.from({ length: 2500 }, () => user(id, { roles: ["a", "b", "c"] }));
      await store().users.createMany(batch);
      expect(await store().users.countWithAnyRole(id, ["b"])).toBe(2500);
      const emails = batch.map((created) => created.email);
      expect((await store().users.findRegisteredEmails(emails)).length).toBe(2500);
    });

    it("lists in JavaScript's string order whatever the server's locale", async () => {
      const { id } = await newOrganization();
      const run = newId("o").slice(-8);
      const locals = ["a.b", "a-b", "a_b", "a+b", "ab", "a~b", "aé", "a0"];
      await store().users.createMany(
        locals.map((local) => user(id, { email: `${local}-${run}@example.test` })),
      );
      const { items } = await store().users.list({ organizationId: id, limit: 20 });
      const emails = items.map((listed) => listed.email);
      expect(emails).toEqual([...emails].sort());
    });

    it("search lower-cases beyond ASCII as JavaScript does", async () => {
      const { id } = await newOrganization();
      const emile = user(id, { givenName: "Émile", familyName: "Zola" });
      const oscar = user(id, { givenName: "Oscar", familyName: "Éluard" });
      await store().users.createMany([emile, oscar, user(id, { givenName: "Emil", familyName: "Nolde" })]);
      const search = async (text: string) =>
        (await store().users.list({ organizationId: id, search: text, limit: 10 })).items.map(
          (found) => found.id,
        );
      expect(await search("éMI")).toEqual([emile.id]);
      expect(await search("ÉLU")).toEqual([oscar.id]);
      expect(await search("ÉMILE Z")).toEqual([emile.id]);
    });

    it("roles keep the order they were given in, without duplicates", async () => {
      const { id } = await newOrganization();
      const created = user(id, { roles: ["z", "a", "m", "a"] });
      await store().users.createMany([created]);
      expect((await store().users.findById(created.id))?.roles).toEqual(["z", "a", "m"]);
    });

    it("deleting a user ends their sessions and role rows and keeps the audit entries about them", async () => {
      const { id } = await newOrganization();
      const removed = user(id, { roles: ["admin"] });
      await store().users.createMany([removed]);
      const alive = session(removed);
      await store().sessions.create(alive);
      const entry = auditEntry(id, { subjectUserId: removed.id, subjectEmail: removed.email });
      await store().audit.append([entry]);
      expect(await store().users.delete(removed.id)).toBe(true);
      expect(await store().sessions.find(alive.tokenHash, new Date())).toBeNull();
      expect(await store().users.countWithAnyRole(id, ["admin"])).toBe(0);
      const { items } = await store().audit.list({ organizationId: id, userId: removed.id, limit: 10 });
      expect(items).toEqual([entry]);
    });

    it("a token may be written before its user exists (an invitation's secret goes first)", async () => {
      const { id } = await newOrganization();
      const invited = user(id);
      const secret = token(invited, { kind: "activation" });
      await store().tokens.create(secret);
      await store().users.createMany([invited]);
      expect(await store().tokens.consume(secret.hash, "activation", new Date())).toEqual(secret);
    });
  });

  describe("transactions", () => {
    it("a CONFLICT caught inside a transaction leaves it usable, and the rest commits", async () => {
      const { id } = await newOrganization();
      const existing = user(id);
      const fresh = user(id);
      await store().users.createMany([existing]);
      await store().transaction(async (tx) => {
        const error = await tx.users
          .createMany([user(id, { email: existing.email })])
          .catch((caught: unknown) => caught);
        expect(isGatehouseError(error, "CONFLICT")).toBe(true);
        await tx.users.createMany([fresh]);
      });
      expect(await store().users.findById(fresh.id)).toEqual(fresh);
    });

    it("a transaction started inside another is refused with CONFIGURATION", async () => {
      const outer = store();
      const error = await outer
        .transaction(() => outer.transaction(async () => "never"))
        .catch((caught: unknown) => caught);
      expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
    });

    it("a transaction's repositories refuse to work after it ended", async () => {
      let leaked: Parameters<Parameters<Store["transaction"]>[0]>[0] | undefined;
      await store().transaction(async (tx) => {
        leaked = tx;
      });
      const error = await leaked?.users.findById("x").catch((caught: unknown) => caught);
      expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
    });
  });

  describe("attempts and expiry", () => {
    it("a state deleted and stored again never reuses a version (no ABA)", async () => {
      const key = newId("attempt");
      const first = await store().attempts.get(key);
      expect(await store().attempts.compareAndSet(key, 0, first.state, new Date())).toBe(true);
      const stale = await store().attempts.get(key);
      await store().attempts.delete(key);
      expect(await store().attempts.compareAndSet(key, 0, first.state, new Date())).toBe(true);
      expect(await store().attempts.compareAndSet(key, stale.version, first.state, new Date())).toBe(false);
    });

    it("purgeExpired deletes what expired and nothing live", async () => {
      const { id } = await newOrganization();
      const owner = user(id);
      await store().users.createMany([owner]);
      const now = new Date();
      const expired = session(owner, { expiresAt: new Date(now.getTime() - 1) });
      const live = session(owner);
      await store().sessions.create(expired);
      await store().sessions.create(live);
      await store().tokens.create(token(owner, { expiresAt: new Date(now.getTime() - 1) }));
      const report = await purgeExpired(engine.db(), { now, schema: engine.schema });
      expect(report.sessions).toBeGreaterThanOrEqual(1);
      expect(report.tokens).toBeGreaterThanOrEqual(1);
      expect((await store().sessions.listByUser(owner.id, new Date(0))).map((s) => s.tokenHash)).toEqual([
        live.tokenHash,
      ]);
    });
  });
}
