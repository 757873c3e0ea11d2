import { describe, expect, it } from "vitest";
import { loginAttemptKey } from "../../src/service/attempts.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { codeOf } from "../../src/testing/flows/setup.js";
import { createCountingHasher } from "../../src/testing/service-helpers.js";
import { setup } from "./harness.js";
import { createMemoryOutbox } from "./memory-outbox.js";

// Issue 15: a sign-in reserves and settles its attempt with one store call each, and reads the user with their
// organization in one query. Counted per repository call on the memory store (every adapter gets the same
// calls: the service makes them).

function countingStore(base: Store, { joined = true } = {}): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrap = <T extends object>(name: string, repository: T): T =>
    new Proxy(repository, {
      get(target, prop, receiver) {
        if (!joined && name === "users" && prop === "findByEmailWithOrganization") return undefined;
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  const store = { ...base } as Record<string, unknown>;
  for (const [name, repository] of Object.entries(base)) {
    if (typeof repository === "object" && repository !== null) store[name] = wrap(name, repository);
  }
  return { store: store as unknown as Store, calls };
}

async function signedUp(options: { joined?: boolean; outbox?: boolean } = {}) {
  const base = createMemoryStore();
  const counted = countingStore(
    options.outbox ? { ...base, auditOutbox: createMemoryOutbox() } : base,
    options,
  );
  const h = setup({ store: counted.store });
  const org = await h.enterpriseOrg();
  await h.gatehouse.flush();
  counted.calls.clear();
  return { h, org, calls: counted.calls, store: counted.store };
}

const callsOf = (calls: Map<string, number>, prefix: string) =>
  Object.fromEntries([...calls].filter(([name]) => name.startsWith(prefix)));

describe("a sign-in's round trips", () => {
  it("one compareAndSwap to reserve, one to settle, no get; the user and organization in one read", async () => {
    const { h, org, calls, store } = await signedUp();
    const result = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(result.stage).toBe("authenticated");
    expect(callsOf(calls, "attempts.")).toEqual({ "attempts.compareAndSwap": 2 });
    expect(callsOf(calls, "users.")).toEqual({ "users.findByEmailWithOrganization": 1 });
    expect(callsOf(calls, "organizations.")).toEqual({});
    // Settled back to nothing pending, the state is removed: the next sign-in's guess of "nothing stored" holds.
    expect((await store.attempts.get(loginAttemptKey(org.adminEmail))).version).toBe(0);
  });

  it("after a failure the reservation's guess is wrong: the swap answers the stored state, one more swap", async () => {
    const { h, org, calls } = await signedUp();
    expect(await codeOf(h.gatehouse.login({ email: org.adminEmail, password: "wrong" }))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(callsOf(calls, "attempts.")).toEqual({ "attempts.compareAndSwap": 2 });
    h.clock.advance(60_000);
    calls.clear();
    expect((await h.gatehouse.login({ email: org.adminEmail, password: org.password })).stage).toBe(
      "authenticated",
    );
    expect(callsOf(calls, "attempts.")).toEqual({ "attempts.compareAndSwap": 3 });
  });

  it("an unknown address makes the same calls as a registered one", async () => {
    const { h, calls } = await signedUp();
    expect(await codeOf(h.gatehouse.login({ email: "nobody@example.test", password: "wrong" }))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(callsOf(calls, "attempts.")).toEqual({ "attempts.compareAndSwap": 2 });
    expect(callsOf(calls, "users.")).toEqual({ "users.findByEmailWithOrganization": 1 });
  });

  it("a wrong password stores nothing of the success prepared while the hash ran", async () => {
    const { h, org, calls, store } = await signedUp();
    expect(await codeOf(h.gatehouse.login({ email: org.adminEmail, password: "wrong" }))).toBe(
      "INVALID_CREDENTIALS",
    );
    await h.gatehouse.flush();
    expect(callsOf(calls, "sessions.")).toEqual({});
    const { items } = await store.audit.list({ organizationId: org.organization.id, limit: 100 });
    const actions = items.filter((entry) => entry.subjectUserId === org.admin.id).map((e) => e.action);
    expect(actions).toContain("login.failed");
    expect(actions.filter((action) => action === "login.succeeded")).toHaveLength(1); // the set-up's own
  });

  it("the session and its audit entry carry the sign-in's start: they are prepared while the hash runs", async () => {
    const inner = createCountingHasher();
    let clock: { advance(ms: number): void } | undefined;
    // A hash that takes five seconds of the test clock: the time moves when it answers.
    const hasher = {
      ...inner,
      verify: async (hash: string, password: string) => {
        const verified = await inner.verify(hash, password);
        clock?.advance(5_000);
        return verified;
      },
    };
    const store = createMemoryStore();
    const h = setup({ store, hasher });
    const org = await h.enterpriseOrg();
    clock = h.clock;
    const startedAt = h.clock.now();
    const { token } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(h.clock.now().getTime()).toBe(startedAt.getTime() + 5_000);
    const valid = await h.gatehouse.validateSession({ sessionToken: token });
    expect(valid?.session.createdAt).toEqual(startedAt);
    const { items } = await store.audit.list({ organizationId: org.organization.id, limit: 100 });
    const success = items.filter((entry) => entry.action === "login.succeeded").at(0);
    expect(success?.at).toEqual(startedAt);
  });

  it("a store without the joined read signs in with findByEmail and organizations.findById", async () => {
    const { h, org, calls } = await signedUp({ joined: false });
    expect((await h.gatehouse.login({ email: org.adminEmail, password: org.password })).stage).toBe(
      "authenticated",
    );
    expect(callsOf(calls, "users.")).toEqual({ "users.findByEmail": 1 });
    expect(callsOf(calls, "organizations.")).toEqual({ "organizations.findById": 1 });
  });

  it("without an outbox the audit entry is appended before the answer, one audit.append", async () => {
    const { h, org, calls } = await signedUp();
    await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(callsOf(calls, "audit")).toEqual({ "audit.append": 1 });
  });

  it("with an outbox the answer waits for one auditOutbox.push and no durable write; the drain appends after", async () => {
    const { h, org, calls } = await signedUp({ outbox: true });
    await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(callsOf(calls, "audit")).toEqual({ "auditOutbox.push": 1 });
    expect(callsOf(calls, "sessions.")).toEqual({ "sessions.create": 1 });
    await h.gatehouse.flush();
    expect(callsOf(calls, "audit")).toEqual({
      "auditOutbox.push": 1,
      "auditOutbox.pending": 1,
      "audit.appendIfAbsent": 1,
      "auditOutbox.remove": 1,
    });
  });
});
