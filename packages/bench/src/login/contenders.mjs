// The contenders of the login benchmark: one bare @node-rs/argon2 verify, and Gatehouse's `login()` on the
// memory store and on the composed Postgres + Redis store. Each call checks its own answer.

import { performance } from "node:perf_hooks";
import { createArgon2Hasher, createMemoryStore, defaultArgon2Options } from "@gatehousejs/core";
import { hash, verify } from "@node-rs/argon2";
import { sql } from "kysely";
import { BENCH_PASSWORD, createBenchGatehouse, onboardUsers } from "../gatehouse-fixture.mjs";
import { summarize } from "../harness.mjs";
import { profileStore } from "../profile-store.mjs";
import { openPostgres, openRedis } from "../services.mjs";

// `Algorithm` is a TypeScript const enum, absent at run time; 2 is its Argon2id member.
const ARGON2ID = 2;

/** The PHC prefix every password hash of the benchmark must carry: the same algorithm and cost for all. */
export const EXPECTED_HASH_PREFIX = `$argon2id$v=19$m=${defaultArgon2Options.memoryCost},t=${defaultArgon2Options.timeCost},p=${defaultArgon2Options.parallelism}$`;

/** The most parallel calls timed; each parallel worker signs in as a user of its own. */
export const MAX_PARALLELISM = 4;

/**
 * Builds the contenders. Each has `call(worker = 0)`, which makes one call as the worker's user and throws
 * unless it succeeded, `storedHash()` (the hash it verifies against) and `wrongPassword()` (on a user nobody
 * times: a failure arms the enterprise quick-retry lock). Gatehouse contenders also have `profile(calls)`,
 * the breakdown of a login's time, and `settle()`, which finishes what a login handed off until after its
 * answer (the timing runs it untimed after each call). `unavailable` lists the contenders that could not run, with the reason;
 * `close()` removes the schema and the keys.
 */
export async function createLoginContenders() {
  const bareHash = await hash(BENCH_PASSWORD, { ...defaultArgon2Options, algorithm: ARGON2ID });
  const bare = {
    id: "bare-verify",
    name: "bare `@node-rs/argon2` `verify`",
    storedHash: async () => bareHash,
    async call() {
      if (!(await verify(bareHash, BENCH_PASSWORD))) throw new Error("the bare verify answered false");
    },
    wrongPassword: async () => ((await verify(bareHash, "a wrong password")) ? "OK" : "WRONG_PASSWORD"),
  };
  const contenders = [bare];
  const unavailable = [];
  const closers = [];

  contenders.push(
    await gatehouseContender("login-memory", "Gatehouse `login()`, memory store", createMemoryStore()),
  );

  const postgres = await openPostgres();
  const redis = postgres.unavailable ? null : await openRedis();
  if (postgres.unavailable || redis.unavailable) {
    unavailable.push({
      name: "Gatehouse `login()`, Postgres + Redis",
      reason: postgres.unavailable ?? redis.unavailable,
    });
    if (!postgres.unavailable) await postgres.close();
  } else {
    closers.push(
      () => postgres.close(),
      () => redis.close(),
    );
    const store = { ...postgres.store, ...redis.store };
    const postgresPing = { name: "PostgreSQL `select 1`", ping: () => sql`select 1`.execute(postgres.db) };
    const redisPing = { name: "Redis `PING`", ping: () => redis.redis.ping() };
    const pings = [postgresPing, redisPing];
    // The floor of any login on these servers: the stored hash must be read before the verify (one round
    // trip, the servers woken from idle) and the outcome written after it (one more), so nothing here can be
    // faster than the bare verify between two round trips that do nothing else.
    contenders.push({
      id: "floor-round-trips",
      name: "floor: the bare verify between two round trips, as a login makes them ([PostgreSQL `select 1` ‖ Redis `PING`] → verify → Redis `PING`)",
      storedHash: bare.storedHash,
      async call() {
        await Promise.all([postgresPing.ping(), redisPing.ping()]);
        await bare.call();
        await redisPing.ping();
      },
      wrongPassword: bare.wrongPassword,
    });
    const name = "Gatehouse `login()`, Postgres + Redis";
    contenders.push(
      await gatehouseContender("login-postgres-redis", name, store, pings).catch(async (error) => {
        for (const close of closers) await close();
        throw error;
      }),
    );
  }

  return {
    contenders,
    unavailable,
    async close() {
      for (const close of closers) await close();
    },
  };
}

async function gatehouseContender(id, name, store, pings = []) {
  const fixture = createBenchGatehouse({ store });
  const domain = `${id}.${Date.now().toString(36)}.bench.test`;
  // One more user than workers: the last one takes the wrong-password probe, so no timed user has a failure.
  const { emails } = await onboardUsers(fixture, { domain, count: MAX_PARALLELISM + 1 });
  const probe = emails.pop();
  const login = fixture.gatehouse.login;
  return {
    id,
    name,
    emails,
    storedHash: async () => (await store.users.findByEmail(emails[0]))?.passwordHash ?? null,
    async call(worker = 0) {
      const result = await login({ email: emails[worker], password: BENCH_PASSWORD });
      if (result.stage !== "authenticated")
        throw new Error(`${name}: a login ended at stage ${result.stage}`);
    },
    /** The work a login hands off until after its answer (the audit outbox's drain), finished untimed. */
    settle: () => fixture.gatehouse.flush(),
    wrongPassword: () =>
      login({ email: probe, password: "a wrong password" }).then(
        () => "OK",
        (error) =>
          error?.code === "INVALID_CREDENTIALS" ? "WRONG_PASSWORD" : (error?.code ?? String(error)),
      ),
    /** Runs `calls` logins on a profiled copy of the service and splits their time: hash, store, the rest. */
    profile: (calls) => profileLogins({ store, secret: fixture.secret, email: emails[0], calls, pings }),
  };
}

/**
 * Signs `email` in `calls` times through a second service on the same data, with every repository call and
 * every verification timed, and returns the mean milliseconds per login: in all, in the hash, per repository
 * method. Run apart from the timed rounds, so the wrappers never weigh on the reported medians.
 */
/** The audit outbox's drain: after the answer, beside the next login; listed, but not the login's store time. */
export const AFTER_THE_ANSWER = new Set([
  "auditOutbox.pending",
  "audit.appendIfAbsent",
  "auditOutbox.remove",
]);

/** The store time of the response path: calls inside a transaction are part of its time already. */
function responsePathMs(repositories) {
  return repositories
    .filter((entry) => !entry.name.startsWith("tx.") && !AFTER_THE_ANSWER.has(entry.name))
    .reduce((sum, entry) => sum + entry.msPerLogin, 0);
}

async function profileLogins({ store, secret, email, calls, pings }) {
  let events = [];
  const profiled = profileStore(store, { onCall: (name, start, end) => events.push({ name, start, end }) });
  const hasher = timedHasher((start, end) => events.push({ name: "verify", start, end }));
  const { gatehouse } = createBenchGatehouse({ store: profiled.store, hasher, secret });
  const login = async () => {
    const result = await gatehouse.login({ email, password: BENCH_PASSWORD });
    if (result.stage !== "authenticated") throw new Error(`a profiled login ended at stage ${result.stage}`);
  };
  await login(); // warms this service's code paths
  await gatehouse.flush();
  profiled.reset();
  hasher.timing.ms = 0;
  const idle = createArgon2Hasher();
  const hashed = await idle.hash(BENCH_PASSWORD);
  const steps = [];
  let loginTotal = 0;
  for (let i = 0; i < calls; i++) {
    // Each login, and the floor's steps, come right after a verify: the servers idle for a hash's time, as
    // in the timed rounds (where every call follows another contender's hash).
    await idle.verify(hashed, BENCH_PASSWORD);
    events = [];
    const start = performance.now();
    await login();
    const end = performance.now();
    loginTotal += end - start;
    steps.push(stepsOf(events, start, end));
    // The drain the login handed off runs now, untimed, as in the timed rounds; then the floor's own steps.
    await gatehouse.flush();
    if (pings.length > 0) {
      await idle.verify(hashed, BENCH_PASSWORD);
      steps[i].floor = await floorSteps(pings, idle, hashed);
    }
  }
  const loginMs = loginTotal / calls;
  const timeline = summarizeSteps(steps);
  const repositories = profiled.report().map((entry) => ({
    name: entry.name,
    callsPerLogin: entry.calls / calls,
    msPerLogin: entry.ms / calls,
  }));
  const storeMs = responsePathMs(repositories);
  // One round trip to each server, the floor under every repository call.
  // Also each round trip right after an argon2id verify, as a login makes them: the process and the servers
  // have been idle for the hash's time, and waking them up (the scheduler, caches) costs more than the trip.
  const roundTrips = [];
  for (const { name, ping } of pings) {
    const samples = [];
    const afterHash = [];
    for (let i = 0; i < 21; i++) {
      let begin = performance.now();
      await ping();
      samples.push(performance.now() - begin);
      await idle.verify(hashed, BENCH_PASSWORD);
      begin = performance.now();
      await ping();
      afterHash.push(performance.now() - begin);
    }
    roundTrips.push({ name, ms: summarize(samples).median, afterHashMs: summarize(afterHash).median });
  }
  const withoutHash = await timeLoginsWithoutHash({ store, secret, email, calls: calls * 5 });
  return {
    calls,
    loginMs,
    hashMs: hasher.timing.ms / calls,
    storeMs,
    repositories,
    roundTrips,
    withoutHash,
    timeline,
  };
}

/**
 * One profiled login's steps, in ms from its start: the first store call sent, both calls before the hash
 * answered (the hash starts), the hash's end, the answer of the last response-path call made after it, and
 * the login's own answer.
 */
function stepsOf(events, start, end) {
  const verify = events.find((e) => e.name === "verify");
  if (!verify) throw new Error("a profiled login made no verification");
  const calls = events.filter((e) => e.name !== "verify" && !AFTER_THE_ANSWER.has(e.name));
  const before = calls.filter((e) => e.start < verify.start);
  const after = calls.filter((e) => e.start >= verify.end);
  return {
    firstCall: Math.min(...calls.map((e) => e.start)) - start,
    hashStarts: verify.start - start,
    lastBeforeAnswered: Math.max(...before.map((e) => e.end)) - start,
    hashEnds: verify.end - start,
    writesAnswered: after.length > 0 ? Math.max(...after.map((e) => e.end)) - verify.end : 0,
    answered: end - verify.end,
    total: end - start,
  };
}

/** The floor contender's steps, in the same terms: both pings answered, the verify, one ping after it. */
async function floorSteps(pings, hasher, hashed) {
  const start = performance.now();
  await Promise.all(pings.map(({ ping }) => ping()));
  const hashStarts = performance.now() - start;
  await hasher.verify(hashed, BENCH_PASSWORD);
  const afterStart = performance.now();
  await pings.at(-1).ping();
  const end = performance.now();
  return { hashStarts, answered: end - afterStart, total: end - start };
}

/** The median of each step over the profiled logins (and of the floor's, where it ran). */
function summarizeSteps(steps) {
  const median = (pick) => summarize(steps.map(pick)).median;
  const keys = [
    "firstCall",
    "lastBeforeAnswered",
    "hashStarts",
    "hashEnds",
    "writesAnswered",
    "answered",
    "total",
  ];
  const timeline = Object.fromEntries(keys.map((key) => [key, median((s) => s[key])]));
  if (steps[0]?.floor) {
    timeline.floor = Object.fromEntries(
      ["hashStarts", "answered", "total"].map((key) => [key, median((s) => s.floor[key])]),
    );
  }
  return timeline;
}

/**
 * The login's own work, hot: the same logins back to back with a hasher that answers at once. Set beside the
 * profiled logins, it shows how much of the overhead is the work itself and how much is running it right
 * after the verify, once the process (and the servers) waited idle and the 19 MiB hash evicted the caches.
 */
async function timeLoginsWithoutHash({ store, secret, email, calls }) {
  const profiled = profileStore(store);
  const instant = { hash: async () => "unused", verify: async () => true, verifyDummy: async () => false };
  const { gatehouse } = createBenchGatehouse({ store: profiled.store, hasher: instant, secret });
  for (let i = 0; i < 10; i++) await gatehouse.login({ email, password: BENCH_PASSWORD });
  profiled.reset();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await gatehouse.login({ email, password: BENCH_PASSWORD });
  const loginMs = (performance.now() - start) / calls;
  const repositories = profiled.report().map((entry) => ({ name: entry.name, msPerLogin: entry.ms / calls }));
  const storeMs = responsePathMs(repositories);
  return { calls, loginMs, storeMs, repositories };
}

/** A hasher with the default cost that adds up the time of its verifications and tells `onVerify` of each. */
function timedHasher(onVerify) {
  const inner = createArgon2Hasher();
  const timing = { calls: 0, ms: 0 };
  const time = async (work) => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      const end = performance.now();
      timing.calls++;
      timing.ms += end - start;
      onVerify?.(start, end);
    }
  };
  return {
    timing,
    hash: (password) => inner.hash(password),
    verify: (stored, password) => time(() => inner.verify(stored, password)),
    verifyDummy: (password) => time(() => inner.verifyDummy(password)),
  };
}
