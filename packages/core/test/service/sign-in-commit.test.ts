import { describe, expect, it } from "vitest";
import { loginAttemptKey } from "../../src/service/attempts.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { AuditOutboxRepository, SignInCommit, Store } from "../../src/store/store.js";
import { createCountingHasher } from "../../src/testing/service-helpers.js";
import { setup } from "./harness.js";
import { createMemoryOutbox } from "./memory-outbox.js";
import { recordingStore } from "./recording-store.js";

// Issue 15: where the store offers a `SignInCommit`, a right password's settlement, session and audit entry
// go to the store as one call; where its writes are not the store's own, or another attempt wrote the state
// in between, the service makes them as separate calls. Counted per call on the memory store.

/** A sign-in commit over memory repositories: the swap, then (only if it swapped) the create and the push. */
function memoryCommit(
  repositories: Pick<Store, "attempts" | "sessions"> & { auditOutbox: AuditOutboxRepository },
) {
  const calls: string[] = [];
  const commit: SignInCommit = {
    ...repositories,
    prepare: (session, audit) => async (attempt) => {
      calls.push("signInCommit");
      const { attempts, sessions, auditOutbox } = repositories;
      const swap = await attempts.compareAndSwap(
        attempt.key,
        attempt.expectedVersion,
        attempt.next,
        attempt.expiresAt,
      );
      if (!swap.swapped) return swap;
      await sessions.create(session);
      await auditOutbox.push(audit);
      return swap;
    },
  };
  return { commit, calls };
}

async function signedUp(options: {
  commitsTo?: "own" | "other";
  hasher?: ReturnType<typeof createCountingHasher>;
}) {
  const base = recordingStore({ ...createMemoryStore(), auditOutbox: createMemoryOutbox() });
  const elsewhere = { ...createMemoryStore(), auditOutbox: createMemoryOutbox() };
  const target = options.commitsTo === "other" ? elsewhere : base.store;
  const { commit, calls: commits } = memoryCommit({
    attempts: target.attempts,
    sessions: target.sessions,
    auditOutbox: target.auditOutbox as AuditOutboxRepository,
  });
  const store: Store = { ...base.store, signInCommit: commit };
  const h = setup({ store, ...(options.hasher && { hasher: options.hasher }) });
  const org = await h.enterpriseOrg();
  await h.gatehouse.flush();
  base.calls.length = 0;
  commits.length = 0;
  return { h, org, store, calls: base.calls, commits, elsewhere };
}

const without = (calls: readonly string[], prefix: string) => calls.filter((c) => !c.startsWith(prefix));
/** The calls to the repositories a sign-in commit covers (the reads are left out). */
const writes = (calls: readonly string[]) =>
  calls.filter((c) => /^(attempts|sessions|auditOutbox)\./.test(c));

describe("a sign-in's last writes through the store's sign-in commit", () => {
  it("one commit after the hash: no separate settlement, session create or outbox push", async () => {
    const { h, org, store, calls, commits } = await signedUp({ commitsTo: "own" });
    const successes = async () => {
      const { items } = await store.audit.list({ organizationId: org.organization.id, limit: 100 });
      return items.filter((e) => e.action === "login.succeeded" && e.subjectUserId === org.admin.id).length;
    };
    const before = await successes();
    const { token, stage } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(stage).toBe("authenticated");
    expect(commits).toEqual(["signInCommit"]);
    // The reservation, then the commit's own writes (made here by the memory commit through the same repositories).
    expect(writes(calls)).toEqual([
      "attempts.compareAndSwap",
      "attempts.compareAndSwap",
      "sessions.create",
      "auditOutbox.push",
    ]);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    expect((await store.attempts.get(loginAttemptKey(org.adminEmail))).version).toBe(0);
    // The pushed entry reaches the durable log through the drain, as after `auditOutbox.push`.
    await h.gatehouse.flush();
    expect(await successes()).toBe(before + 1);
    expect(await store.auditOutbox?.pending(10)).toEqual([]);
  });

  it("is not used when it writes to other repositories than the store's: three calls, nothing elsewhere", async () => {
    const { h, org, calls, commits, elsewhere } = await signedUp({ commitsTo: "other" });
    const { token } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(commits).toEqual([]);
    expect(writes(calls).sort()).toEqual([
      "attempts.compareAndSwap",
      "attempts.compareAndSwap",
      "auditOutbox.push",
      "sessions.create",
    ]);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    expect(await elsewhere.auditOutbox.pending(10)).toEqual([]);
    expect((await elsewhere.attempts.get(loginAttemptKey(org.adminEmail))).version).toBe(0);
  });

  it("after another attempt wrote the state during the hash: the commit writes nothing, the writes go alone", async () => {
    const inner = createCountingHasher();
    let during: (() => Promise<void>) | undefined;
    const hasher = {
      ...inner,
      verify: async (hash: string, password: string) => {
        await during?.();
        return inner.verify(hash, password);
      },
    };
    const { h, org, store, calls, commits } = await signedUp({ commitsTo: "own", hasher });
    const key = loginAttemptKey(org.adminEmail);
    // A second instance's reservation of the same address lands while this sign-in's hash runs.
    during = async () => {
      during = undefined;
      const held = await store.attempts.get(key);
      const other = { ...held.state, inFlight: [...held.state.inFlight, h.clock.now()] };
      const swap = await store.attempts.compareAndSwap(
        key,
        held.version,
        other,
        new Date(h.clock.now().getTime() + 60_000),
      );
      expect(swap.swapped).toBe(true);
      calls.length = 0;
    };
    const { token, stage } = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(stage).toBe("authenticated");
    expect(commits).toEqual(["signInCommit"]);
    // The commit's swap lost (nothing else written), the settlement swapped on the state it answered, then the
    // session and the entry were written on their own.
    expect(calls.filter((c) => c.startsWith("attempts."))).toEqual([
      "attempts.compareAndSwap",
      "attempts.compareAndSwap",
    ]);
    expect(without(writes(calls), "attempts.").sort()).toEqual(["auditOutbox.push", "sessions.create"]);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    // This sign-in's reservation is settled; the other instance's is still in flight.
    expect((await store.attempts.get(key)).state.inFlight).toHaveLength(1);
    const pending = (await store.auditOutbox?.pending(10)) ?? [];
    expect(pending.map((e) => e.action)).toEqual(["login.succeeded"]);
  });
});
