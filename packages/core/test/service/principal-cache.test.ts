import { describe, expect, test } from "vitest";
import {
  can,
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
} from "../../src/index.js";
import { createCountingHasher } from "../../src/testing/index.js";
import { setup } from "./harness.js";

// principalCacheMs: sessions validate without durable reads for a short while; this instance never serves a
// stale principal, another instance may for at most the cache's lifetime.

describe("principal cache", () => {
  test("a second validation within the lifetime reads no user or organization", async () => {
    const store = createMemoryStore();
    const reads = { users: 0, organizations: 0 };
    const findUser = store.users.findById.bind(store.users);
    const findOrg = store.organizations.findById.bind(store.organizations);
    store.users.findById = (id) => {
      reads.users++;
      return findUser(id);
    };
    store.organizations.findById = (id) => {
      reads.organizations++;
      return findOrg(id);
    };
    const h = setup({ store, principalCacheMs: 1000 });
    const org = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    await h.gatehouse.validateSession({ sessionToken: token });
    const before = { ...reads };
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    expect(reads).toEqual(before);
    h.clock.advance(1000);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    expect(reads).toEqual({ users: before.users + 1, organizations: before.organizations + 1 });
  });

  test("a demotion made through this instance takes effect on the next request", async () => {
    const h = setup({ principalCacheMs: 60_000 });
    const org = await h.enterpriseOrg();
    const second = await h.onboard(org.organization.id, org.actor, "second@example.test", [
      "platform.administrator",
      "callback.administrator",
    ]);
    const before = await h.gatehouse.validateSession({ sessionToken: second.session.token });
    expect(before && can(before.grants, "platform.user-management", "delete")).toBe(true);
    await h.gatehouse.updateUser(org.actor, { userId: second.user.id, roles: ["callback.viewer"] });
    const after = await h.gatehouse.validateSession({ sessionToken: second.session.token });
    expect(after && can(after.grants, "platform.user-management", "delete")).toBe(false);
  });

  test("a change made by another instance shows once the lifetime has passed", async () => {
    const h = setup({ principalCacheMs: 1000 });
    const org = await h.enterpriseOrg();
    const ann = await h.onboard(org.organization.id, org.actor, "ann@example.test", [
      "platform.administrator",
    ]);
    await h.gatehouse.validateSession({ sessionToken: ann.session.token });
    const other = createGatehouse({
      store: h.store,
      mailer: createMemoryMailer(),
      clock: h.clock,
      hasher: createCountingHasher(),
      secrets: { current: generateSecretKey("k2") },
    });
    await other.updateUser(org.actor, { userId: ann.user.id, roles: ["callback.viewer"] });
    const stale = await h.gatehouse.validateSession({ sessionToken: ann.session.token });
    expect(stale && can(stale.grants, "platform.user-management", "delete")).toBe(true);
    h.clock.advance(1000);
    const fresh = await h.gatehouse.validateSession({ sessionToken: ann.session.token });
    expect(fresh && can(fresh.grants, "platform.user-management", "delete")).toBe(false);
  });

  test("off by default: every validation reads the durable store", async () => {
    const h = setup();
    const org = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    let reads = 0;
    const findUser = h.store.users.findById.bind(h.store.users);
    h.store.users.findById = (id) => {
      reads++;
      return findUser(id);
    };
    await h.gatehouse.validateSession({ sessionToken: token });
    await h.gatehouse.validateSession({ sessionToken: token });
    expect(reads).toBe(2);
  });
});
