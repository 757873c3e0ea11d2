import { describe, expect, it } from "vitest";
import { emptyAttemptState } from "../../src/policy/lockout.js";
import type { AttemptState } from "../../src/policy/lockout-policy.js";
import { encodeAttemptState } from "../../src/store/attempt-codec.js";
import type { AttemptRepository } from "../../src/store/store.js";
import {
  damagedAttemptStates,
  expectDamagedAttemptRefused,
} from "../../src/testing/suites/damaged-attempts.js";

// The conformance case must catch the lenient reading the Postgres adapter used to do: a damaged row read as
// 0 failures, unknown keys spread into the state. Here that reading runs on raw in-memory records.
function createLenientAttempts(): {
  attempts: AttemptRepository;
  corrupt: (key: string, raw: unknown) => Promise<void>;
} {
  const records = new Map<string, { version: number; json: unknown }>();
  let lastVersion = 0;
  const attempts: AttemptRepository = {
    async get(key) {
      const stored = records.get(key);
      if (!stored) return { state: emptyAttemptState(), version: 0 };
      return { state: reviveLeniently(stored.json), version: stored.version };
    },
    async compareAndSet(key, expectedVersion, next) {
      if ((records.get(key)?.version ?? 0) !== expectedVersion) return false;
      lastVersion += 1;
      records.set(key, { version: lastVersion, json: encodeAttemptState(next) });
      return true;
    },
    async compareAndSwap(key, expectedVersion, next) {
      if ((records.get(key)?.version ?? 0) !== expectedVersion)
        return { swapped: false, current: await attempts.get(key) };
      if (next === null) {
        records.delete(key);
        return { swapped: true, version: 0 };
      }
      lastVersion += 1;
      records.set(key, { version: lastVersion, json: encodeAttemptState(next) });
      return { swapped: true, version: lastVersion };
    },
    async delete(key) {
      records.delete(key);
    },
  };
  const corrupt = async (key: string, raw: unknown): Promise<void> => {
    const stored = records.get(key);
    if (stored) records.set(key, { ...stored, json: raw });
  };
  return { attempts, corrupt };
}

/** The former `reviveAttemptState` of the Postgres adapter: missing or ill-typed fields take empty values. */
function reviveLeniently(value: unknown): AttemptState {
  const json = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const empty = emptyAttemptState();
  const date = (v: unknown): Date | null => (typeof v === "string" ? new Date(v) : null);
  const dates = (v: unknown): Date[] =>
    Array.isArray(v) ? v.flatMap((at) => (typeof at === "string" ? [new Date(at)] : [])) : [];
  return {
    ...empty,
    ...json,
    failures: typeof json.failures === "number" ? json.failures : empty.failures,
    failureAts: dates(json.failureAts),
    lastFailureAt: date(json.lastFailureAt),
    lockedUntil: date(json.lockedUntil),
    locks: typeof json.locks === "number" ? json.locks : empty.locks,
    inFlight: dates(json.inFlight),
  };
}

describe("the damaged-record conformance case against a lenient attempt repository", () => {
  it.each(damagedAttemptStates)("%s: the case fails", async (_, raw) => {
    const { attempts, corrupt } = createLenientAttempts();
    await expect(expectDamagedAttemptRefused(attempts, corrupt, raw)).rejects.toThrow();
  });
});
