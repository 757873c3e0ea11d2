import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { setupFlows } from "../../src/testing/flows/setup.js";
import { withSessions } from "../store/broken-variants/loose-versions.js";

/** The memory store whose `bumpVersion` fails the next `failures` times set (Redis down right after a commit). */
function withFailingBumps(initialFailures: number): {
  store: Store;
  calls: () => number;
  fail: (times: number) => void;
} {
  const base = createMemoryStore();
  let calls = 0;
  let failures = initialFailures;
  const store = withSessions(base, (sessions) => ({
    async bumpVersion(organizationId) {
      calls++;
      if (failures > 0) {
        failures--;
        throw new Error("the fast store is down");
      }
      await sessions.bumpVersion(organizationId);
    },
  }));
  return {
    store,
    calls: () => calls,
    fail: (times) => {
      failures = times;
    },
  };
}

describe("a bump that fails after the commit", () => {
  it("does not fail the change, and is retried in the background until it lands", async () => {
    const failing = withFailingBumps(0);
    const h = setupFlows(failing.store);
    const { organization, admin } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, admin.actor, "ann", ["platform.viewer"]);
    expect((await h.gatehouse.validateSession({ sessionToken: ann.session.token }))?.user.roles).toEqual([
      "platform.viewer",
    ]);
    // The bump fails at once and its first retry too; the second retry lands.
    failing.fail(2);
    const before = failing.calls();
    await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, roles: ["callback.viewer"] });
    await h.gatehouse.flush();
    expect(failing.calls() - before).toBe(3);
    expect((await h.gatehouse.validateSession({ sessionToken: ann.session.token }))?.user.roles).toEqual([
      "callback.viewer",
    ]);
  });

  it("reports to onBackgroundError when every retry fails", async () => {
    const { store } = withFailingBumps(100);
    const reported: string[] = [];
    const h = setupFlows(store, { onBackgroundError: (_error, task) => reported.push(task.name) });
    await h.enterpriseOrg();
    await h.gatehouse.flush();
    expect(reported.length).toBeGreaterThan(0);
    expect(new Set(reported)).toEqual(new Set(["authorization-version"]));
  });
});

describe("the principal a session carries", () => {
  it("a damaged or foreign snapshot is never trusted: the principal is reloaded and written back", async () => {
    const store = createMemoryStore();
    const h = setupFlows(store);
    const { organization, admin } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, admin.actor, "ann", ["platform.viewer"]);
    const token = ann.session.token;
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    const [session] = await store.sessions.listByUser(ann.user.id, h.clock.now());
    if (!session?.principal) throw new Error("the session carries no principal");
    const current = await store.sessions.findCurrent(session.tokenHash, organization.id, h.clock.now());
    // Admin's principal under Ann's session, at the current version: a snapshot of someone else.
    const [adminSession] = await store.sessions.listByUser(admin.user.id, h.clock.now());
    await h.gatehouse.validateSession({ sessionToken: admin.session.token });
    const adminPrincipal = (await store.sessions.find(adminSession?.tokenHash ?? "", h.clock.now()))
      ?.principal;
    for (const forged of ["not json", "{}", adminPrincipal ?? "{}"]) {
      await store.sessions.savePrincipal(session.tokenHash, forged);
      const valid = await h.gatehouse.validateSession({ sessionToken: token });
      expect(valid?.user.id).toBe(ann.user.id);
      expect(valid?.user.roles).toEqual(["platform.viewer"]);
      const rewritten = await store.sessions.findCurrent(session.tokenHash, organization.id, h.clock.now());
      expect(rewritten?.session.principal).not.toBe(forged);
      expect(rewritten?.version).toBe(current?.version);
    }
  });

  it("a token naming another organization than its session's is no session", async () => {
    const store = createMemoryStore();
    const h = setupFlows(store);
    const { organization, admin } = await h.enterpriseOrg();
    const [, secret] = admin.session.token.split(".");
    const other = await h.gatehouse.createOrganization(
      { kind: "staff", id: "staff-1" },
      { name: "Other", preset: "enterprise" },
    );
    const moved = `${Buffer.from(other.id).toString("base64url")}.${secret}`;
    expect(await h.gatehouse.validateSession({ sessionToken: moved })).toBeNull();
    expect(await h.gatehouse.validateSession({ sessionToken: admin.session.token })).not.toBeNull();
    expect(organization.id).not.toBe(other.id);
  });
});
