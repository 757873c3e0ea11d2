import { type ExpiringRepositories, emptyAttemptState, StorageUnavailableError } from "@gatehousejs/core";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { after, minutes, randomHash, sessionRecord, tokenRecord } from "./support/records.js";
import {
  freePort,
  type PrivateRedisServer,
  privateRedisServer,
  requireRedisServerBinary,
} from "./support/redis-server.js";

// The fail-closed client options the README recommends, verbatim.
const failClosedOptions: RedisOptions = {
  commandTimeout: 500,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  retryStrategy: (times) => Math.min(times * 100, 1000),
};
const commandTimeoutMs = 1000;
// Scheduling noise on a busy CI machine, on top of the bounds under test.
const slackMs = 250;

type Outcome = { name: string; startedAt: number; endedAt: number; error: unknown };

/** One call of every repository method, against live-looking data (caller clock = real time here). */
function everyCall(store: ExpiringRepositories): Array<[string, () => Promise<unknown>]> {
  const now = new Date();
  const session = sessionRecord({ createdAt: now, lastActiveAt: now, expiresAt: after(now, minutes(15)) });
  const token = tokenRecord({ createdAt: now, expiresAt: after(now, minutes(30)) });
  const far = after(now, minutes(60 * 24));
  return [
    ["sessions.create", () => store.sessions.create({ ...session, tokenHash: randomHash() })],
    ["sessions.find", () => store.sessions.find(randomHash(), now)],
    ["sessions.touch", () => store.sessions.touch(randomHash(), now, after(now, minutes(15)))],
    ["sessions.delete", () => store.sessions.delete(randomHash())],
    ["sessions.deleteByUser", () => store.sessions.deleteByUser(session.userId)],
    ["sessions.listByUser", () => store.sessions.listByUser(session.userId, now)],
    ["attempts.get", () => store.attempts.get("login:outage@example.com")],
    [
      "attempts.compareAndSet",
      () => store.attempts.compareAndSet(`login:${randomHash()}`, 0, emptyAttemptState(), far),
    ],
    [
      "attempts.compareAndSwap",
      () => store.attempts.compareAndSwap(`login:${randomHash()}`, 0, emptyAttemptState(), far),
    ],
    ["attempts.delete", () => store.attempts.delete(`login:${randomHash()}`)],
    ["tokens.create", () => store.tokens.create({ ...token, hash: randomHash() })],
    ["tokens.consume", () => store.tokens.consume(randomHash(), "password-reset", now)],
    ["tokens.find", () => store.tokens.find(randomHash(), "password-reset", now)],
    ["tokens.deleteByUser", () => store.tokens.deleteByUser(token.userId, "password-reset")],
  ];
}

async function timed(name: string, call: () => Promise<unknown>): Promise<Outcome> {
  const startedAt = performance.now();
  try {
    await call();
    return { name, startedAt, endedAt: performance.now(), error: null };
  } catch (error) {
    return { name, startedAt, endedAt: performance.now(), error };
  }
}

/** Calls `call` until it succeeds; resolves the instant it did. */
async function firstSuccess(call: () => Promise<unknown>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const outcome = await timed("probe", call);
    if (outcome.error === null) return outcome.endedAt;
    expect(outcome.error).toBeInstanceOf(StorageUnavailableError);
    if (performance.now() > deadline)
      throw new Error("The store did not recover in time.", { cause: outcome.error });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const available = requireRedisServerBinary();

describe.skipIf(!available)("a Redis outage", () => {
  let server: PrivateRedisServer;
  let redis: Redis;
  let store: ExpiringRepositories;

  beforeAll(async () => {
    server = privateRedisServer(await freePort());
    await server.start();
    redis = new Redis({ host: "127.0.0.1", port: server.port, ...failClosedOptions });
    redis.on("error", () => {}); // reconnection errors are expected here; the calls report them
    await new Promise((resolve) => redis.once("ready", resolve));
    store = createRedisStore({ redis, keyPrefix: "outage:", commandTimeoutMs });
  }, 20_000);

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it("fails every call with STORAGE_UNAVAILABLE within the bound while the server hangs, then resumes", async () => {
    for (const outcome of await Promise.all(everyCall(store).map(([name, call]) => timed(name, call)))) {
      expect(outcome.error, outcome.name).toBeNull();
    }

    server.signal("SIGSTOP"); // the connection stays open and nothing answers: the worst case for a client
    const hung = await Promise.all(everyCall(store).map(([name, call]) => timed(name, call)));
    const hangFailMs = Math.max(...hung.map((o) => o.endedAt - o.startedAt));
    for (const outcome of hung) {
      expect(outcome.error, outcome.name).toBeInstanceOf(StorageUnavailableError);
      expect(outcome.endedAt - outcome.startedAt, outcome.name).toBeLessThan(commandTimeoutMs + slackMs);
    }

    const resumedAt = performance.now();
    server.signal("SIGCONT");
    const recoveredAt = await firstSuccess(() => store.attempts.get("login:resume@example.com"), 10_000);
    for (const outcome of await Promise.all(everyCall(store).map(([name, call]) => timed(name, call)))) {
      expect(outcome.error, outcome.name).toBeNull();
    }
    console.info(
      `[outage] hung server: every call failed within ${hangFailMs.toFixed(0)} ms; ` +
        `recovered ${(recoveredAt - resumedAt).toFixed(0)} ms after SIGCONT`,
    );
  }, 30_000);

  it("fails closed when the server dies mid-run and recovers by itself once it is back", async () => {
    // Load from 8 concurrent callers, mixing every method, before, across and after the crash.
    const outcomes: Outcome[] = [];
    let running = true;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = worker; running; i++) {
        const calls = everyCall(store);
        const [name, call] = calls[i % calls.length] ?? ["none", async () => {}];
        outcomes.push(await timed(name, call));
        // A refused call settles in a microtask; yield so the timers (and the test's clock) still run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = performance.now();
    server.signal("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running = false;
    await Promise.all(workers);

    const before = outcomes.filter((o) => o.endedAt < killedAt);
    const afterKill = outcomes.filter((o) => o.startedAt > killedAt + 5);
    const spanning = outcomes.filter((o) => o.startedAt <= killedAt + 5 && o.endedAt >= killedAt);
    expect(before.length).toBeGreaterThan(50);
    expect(before.every((o) => o.error === null)).toBe(true);
    expect(afterKill.length).toBeGreaterThan(50);
    for (const outcome of [...afterKill, ...spanning.filter((o) => o.error !== null)]) {
      // Never a raw driver error, never a silent success.
      expect(outcome.error, outcome.name).toBeInstanceOf(StorageUnavailableError);
    }
    const latency = (o: Outcome): number => o.endedAt - o.startedAt;
    const crashFailMs = Math.max(...afterKill.map(latency));
    // A call started before the crash may have finished one of its (at most 3) round trips.
    for (const outcome of spanning) expect(latency(outcome)).toBeLessThan(3 * commandTimeoutMs + slackMs);
    for (const outcome of afterKill)
      expect(latency(outcome), outcome.name).toBeLessThan(commandTimeoutMs + slackMs);
    const firstFailure = Math.min(...outcomes.filter((o) => o.error !== null).map((o) => o.endedAt));

    // Every method, one by one, while the server is down.
    for (const [name, call] of everyCall(store)) {
      const outcome = await timed(name, call);
      expect(outcome.error, name).toBeInstanceOf(StorageUnavailableError);
      expect(latency(outcome), name).toBeLessThan(commandTimeoutMs + slackMs);
    }

    // Same port, same client, same store: nothing is recreated.
    const restartedAt = performance.now();
    await server.start();
    const serverUpAt = performance.now();
    const recoveredAt = await firstSuccess(() => store.attempts.get("login:restart@example.com"), 15_000);
    for (const outcome of await Promise.all(everyCall(store).map(([name, call]) => timed(name, call)))) {
      expect(outcome.error, outcome.name).toBeNull();
    }
    expect(recoveredAt - serverUpAt).toBeLessThan(5000);
    console.info(
      `[outage] crash: ${outcomes.length} calls under load (${before.length} before, ${afterKill.length} after the kill); ` +
        `first failure ${(firstFailure - killedAt).toFixed(0)} ms after SIGKILL; every call after it failed ` +
        `within ${crashFailMs.toFixed(0)} ms; recovered ${(recoveredAt - serverUpAt).toFixed(0)} ms after the ` +
        `restarted server answered (${(recoveredAt - restartedAt).toFixed(0)} ms after the restart began)`,
    );
  }, 60_000);

  it("bounds every call by commandTimeoutMs even on a client left at ioredis' defaults", async () => {
    // No commandTimeout, an offline queue and 20 retries per request: the client alone would wait for
    // minutes. The adapter's own timeout still refuses the call in time.
    const lenient = new Redis({ host: "127.0.0.1", port: server.port });
    lenient.on("error", () => {});
    const lenientStore = createRedisStore({ redis: lenient, keyPrefix: "outage:", commandTimeoutMs: 300 });
    try {
      await firstSuccess(() => lenientStore.attempts.get("login:lenient@example.com"), 5000);
      for (const signal of ["SIGSTOP", "SIGKILL"] as const) {
        server.signal(signal);
        const failed = await Promise.all(everyCall(lenientStore).map(([name, call]) => timed(name, call)));
        for (const outcome of failed) {
          expect(outcome.error, `${signal} ${outcome.name}`).toBeInstanceOf(StorageUnavailableError);
          expect(outcome.endedAt - outcome.startedAt, `${signal} ${outcome.name}`).toBeLessThan(
            300 + slackMs,
          );
        }
        if (signal === "SIGSTOP") server.signal("SIGCONT");
        if (signal === "SIGSTOP")
          await firstSuccess(() => lenientStore.attempts.get("login:x@example.com"), 5000);
      }
      await server.start();
      await firstSuccess(() => lenientStore.attempts.get("login:lenient@example.com"), 15_000);
    } finally {
      lenient.disconnect();
    }
  }, 60_000);
});
