import { describe, expect, it } from "vitest";
import { loginAttemptKey } from "../../src/service/attempts.js";
import { createMemoryAttempts, type StoredAttempt } from "../../src/store/memory/attempts.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import { codeOf } from "../../src/testing/flows/setup.js";
import { setup } from "./harness.js";

// A damaged attempt record (a bad deploy, a hand edit, another program writing the key) must refuse the
// sign-in: read as "no failures", it would hand an attacker fresh guesses or lift a lock.
describe("a damaged attempt record", () => {
  async function damaged() {
    const records = new Map<string, StoredAttempt>();
    const h = setup({ store: { ...createMemoryStore(), attempts: createMemoryAttempts(records) } });
    const org = await h.enterpriseOrg();
    for (const _ of [1, 2, 3]) {
      await codeOf(h.gatehouse.login({ email: org.adminEmail, password: "wrong" }));
      h.clock.advance(5_000);
    }
    const key = loginAttemptKey(org.adminEmail);
    const stored = records.get(key);
    if (!stored) throw new Error("no attempt record");
    // The lock is there; the damage turns the counter into a string, as a foreign writer might.
    records.set(key, { ...stored, state: { ...(stored.state as object), failures: "3" } });
    return { h, org };
  }

  it("refuses the right password with STORAGE_UNAVAILABLE: no session, no success audited", async () => {
    const { h, org } = await damaged();
    const audited = async () =>
      (await h.gatehouse.listAuditLog(org.actor, { organizationId: org.organization.id, limit: 100 })).items;
    const before = await audited();
    h.clock.advance(30 * 60_000);
    expect(await codeOf(h.gatehouse.login({ email: org.adminEmail, password: org.password }))).toBe(
      "STORAGE_UNAVAILABLE",
    );
    expect(await audited()).toEqual(before);
  });

  it("refuses a wrong password the same way, and checks no password", async () => {
    const { h, org } = await damaged();
    const before = h.hasher.verifications;
    expect(await codeOf(h.gatehouse.login({ email: org.adminEmail, password: "guess" }))).toBe(
      "STORAGE_UNAVAILABLE",
    );
    expect(h.hasher.verifications).toBe(before);
  });
});
