import { describe, expect, it } from "vitest";
import { createMemoryAttempts, type StoredAttempt } from "../../src/store/memory/attempts.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import { createMemoryRateLimiter } from "../../src/store/rate-limiter.js";
import {
  describeRateLimiterConformance,
  describeServiceFlows,
  describeStoreConformance,
  makeAuditRecord,
  makeOrganization,
  makeUser,
} from "../../src/testing/index.js";

// The attempt records are the test's own, so the suite can damage one past the codec.
const attemptRecords = new Map<string, StoredAttempt>();
describeStoreConformance({
  name: "memory",
  create: () => ({ ...createMemoryStore(), attempts: createMemoryAttempts(attemptRecords) }),
  corruptAttempt: async (key, raw) => {
    const stored = attemptRecords.get(key);
    if (!stored) throw new Error(`No attempt state to damage under ${key}.`);
    attemptRecords.set(key, { ...stored, state: raw });
  },
});
describeServiceFlows(() => createMemoryStore());
describeRateLimiterConformance({ name: "memory", create: () => createMemoryRateLimiter() });

describe("memory store", () => {
  it("returns copies: mutating a returned user changes nothing stored", async () => {
    const store = createMemoryStore();
    const user = makeUser("org_1", { roles: ["admin"] });
    await store.users.createMany([user]);
    const found = await store.users.findById(user.id);
    if (!found) throw new Error("the user was not stored");
    (found.roles as string[]).push("intruder");
    found.createdAt.setTime(0);
    expect(await store.users.findById(user.id)).toEqual(user);
  });

  it("keeps copies: mutating a record after storing it changes nothing stored", async () => {
    const store = createMemoryStore();
    const organization = makeOrganization({ name: "Acme" });
    const entry = makeAuditRecord(organization.id, { details: { fields: ["name"] } });
    await store.organizations.create(organization);
    await store.audit.append([entry]);
    (organization as { name: string }).name = "Mutated";
    (entry.details.fields as string[]).push("email");
    expect((await store.organizations.findById(organization.id))?.name).toBe("Acme");
    expect((await store.audit.list({ organizationId: organization.id, limit: 1 })).items[0]?.details).toEqual(
      {
        fields: ["name"],
      },
    );
  });

  it("a write outside a running transaction is kept when the transaction commits", async () => {
    const store = createMemoryStore();
    const inside = makeUser("org_1");
    const outside = makeUser("org_1");
    await store.transaction(async (tx) => {
      await tx.users.createMany([inside]);
      await store.users.createMany([outside]);
    });
    expect(await store.users.findById(inside.id)).toEqual(inside);
    expect(await store.users.findById(outside.id)).toEqual(outside);
  });

  it("an address taken outside a running transaction makes its commit a CONFLICT that writes nothing", async () => {
    const store = createMemoryStore();
    const inside = makeUser("org_1");
    const run = store.transaction(async (tx) => {
      await tx.users.createMany([inside]);
      await tx.organizations.create(makeOrganization({ id: "org_1" }));
      await store.users.createMany([makeUser("org_2", { email: inside.email })]);
    });
    await expect(run).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await store.users.findById(inside.id)).toBeNull();
    expect(await store.organizations.findById("org_1")).toBeNull();
  });

  it("refuses a transaction started inside another instead of waiting for it forever", async () => {
    const store = createMemoryStore();
    const run = store.transaction(() => store.transaction(async () => "inner"));
    await expect(run).rejects.toMatchObject({ code: "CONFIGURATION" });
    await expect(store.transaction(async () => "next")).resolves.toBe("next");
  });

  it("refuses a transaction's repositories once it has ended", async () => {
    const store = createMemoryStore();
    const escaped = await store.transaction(async (tx) => tx);
    await expect(escaped.users.findById("usr_1")).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
