import { describe, expect, it, vi } from "vitest";
import { StorageUnavailableError } from "../../src/errors.js";
import type { BackgroundTask } from "../../src/service/background.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { AuditRecord } from "../../src/store/records.js";
import type { Store } from "../../src/store/store.js";
import { makeAuditRecord } from "../../src/testing/fixtures.js";
import { codeOf } from "../../src/testing/flows/setup.js";
import { setup } from "./harness.js";
import { createMemoryOutbox } from "./memory-outbox.js";

// Issue 15: where the store has an audit outbox (Redis), a sign-in's audit entry is pushed there beside the
// session and appended to the durable log after the answer, by id; never lost, never written twice.

const signIns = (entries: readonly AuditRecord[]) =>
  entries.filter((entry) => entry.action === "login.succeeded");

async function auditOf(store: Store, organizationId: string): Promise<AuditRecord[]> {
  return [...(await store.audit.list({ organizationId, limit: 1000 })).items];
}

async function withOutbox(options: { failAudit?: () => boolean } = {}) {
  const memory = createMemoryStore();
  const outbox = createMemoryOutbox();
  const audit: Store["audit"] = {
    ...memory.audit,
    appendIfAbsent: (entries) =>
      options.failAudit?.()
        ? Promise.reject(new StorageUnavailableError("audit: PostgreSQL is down (test).", null))
        : memory.audit.appendIfAbsent(entries),
  };
  const store: Store = { ...memory, audit, auditOutbox: outbox };
  const reported: Array<[unknown, BackgroundTask]> = [];
  const h = setup({ store, onBackgroundError: (error, task) => reported.push([error, task]) });
  const org = await h.enterpriseOrg();
  await h.gatehouse.flush();
  return { h, org, store, memory, outbox, reported };
}

describe("a sign-in's audit entry through the outbox", () => {
  it("is in the outbox when the sign-in answers, and in the durable log (once) after flush", async () => {
    const { h, org, store, outbox } = await withOutbox();
    const appended: string[] = [];
    const append = store.audit.append;
    (store.audit as { append: Store["audit"]["append"] }).append = (entries) => {
      appended.push(...entries.map((entry) => entry.action));
      return append(entries);
    };
    await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(appended, "no durable append on the response path").toEqual([]);
    const pending = [...outbox.entries.values()];
    expect(pending.map((entry) => entry.action)).toEqual(["login.succeeded"]);
    await h.gatehouse.flush();
    expect(outbox.entries.size).toBe(0);
    const logged = signIns(await auditOf(store, org.organization.id));
    expect(logged.filter((entry) => entry.id === pending[0]?.id)).toEqual(pending);
  });

  it("one drain appends the entries of every sign-in that answered while it gathered, with one insert", async () => {
    const { h, org, store, outbox } = await withOutbox();
    const inserts: number[] = [];
    const appendIfAbsent = store.audit.appendIfAbsent;
    (store.audit as { appendIfAbsent: Store["audit"]["appendIfAbsent"] }).appendIfAbsent = (entries) => {
      inserts.push(entries.length);
      return appendIfAbsent(entries);
    };
    // The gathering's timer held still: the drain the first sign-in started waits until the flush ends it.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      for (let i = 0; i < 3; i += 1) {
        await h.gatehouse.login({ email: org.adminEmail, password: org.password });
      }
      expect(outbox.entries.size).toBe(3);
      expect(inserts, "nothing appended while gathering").toEqual([]);
      await h.gatehouse.flush();
    } finally {
      vi.useRealTimers();
    }
    expect(inserts).toEqual([3]);
    expect(outbox.entries.size).toBe(0);
    expect(signIns(await auditOf(store, org.organization.id)).length).toBeGreaterThanOrEqual(3);
  });

  it("entries a crashed process left in the outbox are drained by another gatehouse, each once, ids and times kept", async () => {
    const { h, org, store, outbox } = await withOutbox();
    const before = signIns(await auditOf(store, org.organization.id)).length;
    // A process that pushes and then never drains (it died): its drain hangs forever.
    const crashedStore: Store = {
      ...store,
      auditOutbox: { ...outbox, pending: () => new Promise<never>(() => {}) },
    };
    const crashed = setup({ store: crashedStore, clock: h.clock });
    for (let i = 0; i < 3; i += 1) {
      await crashed.gatehouse.login({ email: org.adminEmail, password: org.password });
      h.clock.advance(1000);
    }
    const left = [...outbox.entries.values()];
    expect(left).toHaveLength(3);
    const other = setup({ store, clock: h.clock });
    await Promise.all([other.gatehouse.flush(), h.gatehouse.flush()]);
    expect(outbox.entries.size).toBe(0);
    const logged = signIns(await auditOf(store, org.organization.id));
    expect(logged).toHaveLength(before + 3);
    const byId = new Map(logged.map((entry) => [entry.id, entry]));
    for (const entry of left) expect(byId.get(entry.id)).toEqual(entry);
    expect(left.map((entry) => entry.at.getTime())).toEqual(
      [...left].sort((a, b) => a.at.getTime() - b.at.getTime()).map((entry) => entry.at.getTime()),
    );
  });

  it("a drain that fails (the durable store down) leaves the entries in the outbox; a later drain writes them once", async () => {
    let down = false;
    const { h, org, store, outbox, reported } = await withOutbox({ failAudit: () => down });
    down = true;
    await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    await h.gatehouse.flush();
    expect(reported.map(([error, task]) => [task.name, (error as { code?: string }).code])).toEqual([
      ["audit-outbox", "STORAGE_UNAVAILABLE"],
    ]);
    const left = [...outbox.entries.values()];
    expect(left.map((entry) => entry.action)).toEqual(["login.succeeded"]);
    down = false;
    await h.gatehouse.flush();
    await h.gatehouse.flush();
    expect(outbox.entries.size).toBe(0);
    const logged = (await auditOf(store, org.organization.id)).filter((entry) => entry.id === left[0]?.id);
    expect(logged).toEqual(left);
  });

  it("two gatehouses draining the same entries at once write each once", async () => {
    const { h, org, store, memory, outbox } = await withOutbox();
    const drained: string[] = [];
    // Both drains read the outbox before either writes: each waits here until the other has arrived.
    let release = () => {};
    const bothArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counting: Store = {
      ...store,
      audit: {
        ...store.audit,
        appendIfAbsent: async (entries) => {
          drained.push(...entries.map((entry) => entry.id));
          if (drained.length >= 2 * entries.length) release();
          await bothArrived;
          return memory.audit.appendIfAbsent(entries);
        },
      },
    };
    const entries = [0, 1].map((i) =>
      makeAuditRecord(org.organization.id, { at: new Date(h.clock.now().getTime() + i) }),
    );
    await outbox.push(entries);
    const [one, two] = [
      setup({ store: counting, clock: h.clock }),
      setup({ store: counting, clock: h.clock }),
    ];
    await Promise.all([one?.gatehouse.flush(), two?.gatehouse.flush()]);
    for (const entry of entries)
      expect(
        drained.filter((id) => id === entry.id),
        "drained by both",
      ).toHaveLength(2);
    const ids = (await auditOf(store, org.organization.id)).map((entry) => entry.id);
    for (const entry of entries) expect(ids.filter((id) => id === entry.id)).toHaveLength(1);
    expect(outbox.entries.size).toBe(0);
  });

  it("the outbox down fails the sign-in closed (STORAGE_UNAVAILABLE), the audit is never skipped", async () => {
    const { h, org, store } = await withOutbox();
    const broken: Store = {
      ...store,
      auditOutbox: {
        push: () => Promise.reject(new StorageUnavailableError("Redis is down (test).", null)),
        pending: async () => [],
        remove: async () => {},
      },
    };
    const other = setup({ store: broken, clock: h.clock });
    expect(await codeOf(other.gatehouse.login({ email: org.adminEmail, password: org.password }))).toBe(
      "STORAGE_UNAVAILABLE",
    );
  });
});
