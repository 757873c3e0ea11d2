// Benchmark 2 of issue 8, "Login cost": Gatehouse's `login()` on the memory store and on Postgres + Redis
// against one bare argon2id verify of the same cost, sequential and in parallel, and Better Auth's email
// sign-in over HTTP beside Gatehouse's login route.
// Run alone with `node src/login.mjs [--quick]`, or through `src/run.mjs`.

import os from "node:os";
import { pathToFileURL } from "node:url";
import {
  formatMillis,
  formatRatio,
  markdownTable,
  peerVersions,
  summarize,
  timeParallelCalls,
  timeSequentialCalls,
} from "./harness.mjs";
import {
  AFTER_THE_ANSWER,
  createLoginContenders,
  EXPECTED_HASH_PREFIX,
  MAX_PARALLELISM,
} from "./login/contenders.mjs";
import { checkSignInAgreement, startSignInServers } from "./login/http.mjs";

const FULL = { rounds: 3, calls: 30, parallelRounds: 7, parallelMs: 300, profileCalls: 20, httpCalls: 30 };
const QUICK = { rounds: 3, calls: 5, parallelRounds: 3, parallelMs: 100, profileCalls: 3, httpCalls: 5 };
const PARALLELISM = [1, 2, MAX_PARALLELISM];
const TARGETS = { "login-memory": 1.05, "login-postgres-redis": 1.15 };
// "Scales with the libuv thread pool as the bare verify does", read as: a login's gain from 1 to P calls in
// flight is at least 0.9 of the bare verify's gain (computed as its rate ÷ the bare verify's at P, over the
// same at 1, from rates taken moments apart).
const SCALING_TARGET = 0.9;

/**
 * Throws unless every contender signs in with the right password, refuses a wrong one, and hashes with the
 * same argon2id cost: a fast wrong answer is not a result.
 */
export async function checkLoginAgreement(contenders) {
  const disagreements = [];
  for (const contender of contenders) {
    const stored = await contender.storedHash();
    if (!stored?.startsWith(EXPECTED_HASH_PREFIX)) {
      disagreements.push(
        `${contender.name}: its password hash ${stored?.slice(0, 32)}… is not ${EXPECTED_HASH_PREFIX}`,
      );
    }
    for (let worker = 0; worker < MAX_PARALLELISM; worker++) {
      await contender
        .call(worker)
        .catch((error) => disagreements.push(`${contender.name}: ${error.message}`));
    }
    const wrong = await contender.wrongPassword();
    if (wrong !== "WRONG_PASSWORD")
      disagreements.push(`${contender.name}: a wrong password answered ${wrong}`);
  }
  if (disagreements.length > 0)
    throw new Error(`login contenders disagree:\n  ${disagreements.join("\n  ")}`);
}

/** Runs the login benchmark and returns its Markdown section and the raw numbers. */
export async function runLoginBench({ quick = false } = {}) {
  const settings = quick ? QUICK : FULL;
  const prepared = await createLoginContenders();
  try {
    const { contenders, unavailable } = prepared;
    await checkLoginAgreement(contenders);
    // Warm-up: every code path (and every pool connection a worker will use) once before timing.
    const workers = Array.from({ length: MAX_PARALLELISM }, (_, w) => w);
    await Promise.all(contenders.flatMap((c) => workers.map((w) => c.call(w))));

    const sequential = await timeSequentialCalls(contenders, settings);
    const parallel = await timeParallel(contenders, settings);
    const profiles = [];
    for (const contender of contenders.filter((c) => c.profile)) {
      profiles.push({
        id: contender.id,
        name: contender.name,
        ...(await contender.profile(settings.profileCalls)),
      });
    }
    const http = await timeHttp(contenders[0].storedHash, settings);

    const results = {
      settings: { ...settings, quick, parallelism: PARALLELISM },
      unavailable,
      latency: contenders.map((c) => ({ id: c.id, name: c.name, ...sequential.get(c.id) })),
      throughput: contenders.map((c) => ({ id: c.id, name: c.name, perParallelism: parallel.get(c.id) })),
      profiles,
      http,
    };
    results.targets = evaluateTargets(results);
    return { table: renderSection(results), results };
  } finally {
    await prepared.close();
  }
}

/**
 * Calls per second at each parallelism, interleaved: every round times each contender at each P, one after
 * the other, so each contender's rate has a bare-verify rate taken moments apart (the machine's load drifts
 * by more than the differences measured here). Each rate is also kept ÷ the bare verify's of the same round
 * and P.
 */
async function timeParallel(contenders, { parallelRounds, parallelMs }) {
  const rates = new Map(contenders.map((c) => [c.id, new Map(PARALLELISM.map((p) => [p, []]))]));
  for (let round = 0; round < parallelRounds; round++) {
    for (const parallelism of PARALLELISM) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(round + k) % contenders.length];
        const rate = await timeParallelCalls((worker) => contender.call(worker), {
          parallelism,
          ms: parallelMs,
        });
        rates.get(contender.id).get(parallelism).push(rate);
        // What the round handed off is part of its load while it runs; what is left must not weigh on the next.
        await contender.settle?.();
      }
    }
  }
  const bare = rates.get("bare-verify");
  return new Map(
    [...rates].map(([id, byP]) => [
      id,
      PARALLELISM.map((parallelism) => ({
        parallelism,
        rate: summarize(byP.get(parallelism)),
        vsBare: summarize(byP.get(parallelism).map((rate, round) => rate / bare.get(parallelism)[round])),
      })),
    ]),
  );
}

async function timeHttp(storedHash, settings) {
  const servers = await startSignInServers({ bareHash: await storedHash() });
  try {
    await checkSignInAgreement(servers.contenders);
    for (const contender of servers.contenders) await contender.call();
    const timed = await timeSequentialCalls(servers.contenders, {
      rounds: settings.rounds,
      calls: settings.httpCalls,
    });
    return {
      contenders: servers.contenders.map((c) => ({ id: c.id, name: c.name, ...timed.get(c.id) })),
    };
  } finally {
    await servers.close();
  }
}

function evaluateTargets({ latency, throughput }) {
  const bare = latency.find((c) => c.id === "bare-verify");
  const latencyTargets = latency
    .filter((c) => TARGETS[c.id] !== undefined)
    .map((c) => {
      const value = c.ms.median / bare.ms.median;
      const perRound = summarize(c.roundMedians.map((m, i) => m / bare.roundMedians[i]));
      return {
        label: `${c.name} ÷ bare verify, median latency`,
        value,
        perRound,
        target: TARGETS[c.id],
        met: value <= TARGETS[c.id],
      };
    });
  // The floor of a login on the servers, and the Postgres + Redis login over it: no targets, the bound.
  const floor = latency.find((c) => c.id === "floor-round-trips");
  const composed = latency.find((c) => c.id === "login-postgres-redis");
  const bounds =
    floor && composed
      ? [
          { label: `${floor.name} ÷ bare verify, median latency`, of: floor, over: bare },
          { label: `${composed.name} ÷ that floor, median latency`, of: composed, over: floor },
        ].map(({ label, of, over }) => ({
          label,
          value: of.ms.median / over.ms.median,
          perRound: summarize(of.roundMedians.map((m, i) => m / over.roundMedians[i])),
        }))
      : [];
  // A login scales as the bare verify does when its rate ÷ the bare verify's stays what it was at 1 in flight.
  const scalingTargets = throughput
    .filter((c) => c.id !== "bare-verify" && c.id !== "floor-round-trips")
    .flatMap((c) =>
      c.perParallelism.slice(1).map(({ parallelism, vsBare }) => {
        const atOne = c.perParallelism[0].vsBare.median;
        const value = vsBare.median / atOne;
        return {
          label:
            `${c.name}: ÷ bare verify at ${parallelism} in flight (${formatRatio(vsBare.median)}) over the same ` +
            `at 1 (${formatRatio(atOne)}), i.e. its gain ÷ the bare verify's gain`,
          value,
          target: SCALING_TARGET,
          met: value >= SCALING_TARGET,
        };
      }),
    );
  return { latency: latencyTargets, bounds, scaling: scalingTargets };
}

/**
 * The profiled logins' steps (median ms) beside the floor's, which makes the same steps with nothing else in
 * them: where the time beyond the bare verify goes, before the hash and after it.
 */
function timelineParts({ timeline: t }) {
  if (!t) return [];
  const floor = t.floor;
  const ms = (value) => (value === undefined ? "" : value.toFixed(3));
  const rows = [
    ["before the hash: the first store call sent", ms(t.firstCall), floor ? "0.000" : ""],
    ["before the hash: its calls answered (the user; the reservation)", ms(t.lastBeforeAnswered), ""],
    ["the hash starts", ms(t.hashStarts), ms(floor?.hashStarts)],
    ["the hash ends", ms(t.hashEnds), ""],
    ["after the hash: its writes answered, from the hash's end", ms(t.writesAnswered), ms(floor?.answered)],
    ["after the hash: the answer, from the hash's end", ms(t.answered), ms(floor?.answered)],
    ["the whole login", ms(t.total), ms(floor?.total)],
  ];
  return [
    `Each profiled login's steps, median ms from its start${floor ? ", beside the floor's own steps (its round trips and the same hash), timed after each login; each follows an untimed verify, so the servers have been idle for a hash's time, as in the timed rounds" : ""}:`,
    "",
    markdownTable(
      ["step", "this login, ms", ...(floor ? ["the floor, ms"] : [])],
      floor ? rows : rows.map((r) => r.slice(0, 2)),
    ),
    "",
  ];
}

function renderSection(results) {
  const { settings, latency, throughput, profiles, http, targets, unavailable } = results;
  const bare = latency.find((c) => c.id === "bare-verify");
  const latencyRows = latency.map((c) => [
    c.name,
    formatMillis(c.ms.median),
    `${formatMillis(Math.min(...c.roundMedians))} – ${formatMillis(Math.max(...c.roundMedians))}`,
    formatRatio(c.ms.median / bare.ms.median),
  ]);
  for (const u of unavailable) latencyRows.push([u.name, `not run: ${u.reason}`, "", ""]);

  const throughputRows = throughput.map((c) => [
    c.name,
    ...c.perParallelism.map(
      ({ rate, vsBare }) =>
        `${rate.median.toFixed(1)} /s (${rate.min.toFixed(0)} – ${rate.max.toFixed(0)})` +
        (c.id === "bare-verify" ? "" : `, ${formatRatio(vsBare.median)}`),
    ),
    ...c.perParallelism
      .slice(1)
      .map(({ rate }) => formatRatio(rate.median / c.perParallelism[0].rate.median)),
  ]);

  // Three decimals: a value rounded to the target's two would read as met when it is not.
  const precise = (ratio) => `${ratio.toFixed(3)}×`;
  const targetRows = [
    ...targets.latency.map((t) => [
      t.label,
      precise(t.value),
      `${formatRatio(t.perRound.min)} – ${formatRatio(t.perRound.max)}`,
      `≤ ${t.target}×`,
      t.met ? "met" : "**not met**",
    ]),
    ...targets.bounds.map((t) => [
      t.label,
      precise(t.value),
      `${formatRatio(t.perRound.min)} – ${formatRatio(t.perRound.max)}`,
      "",
      "",
    ]),
    ...targets.scaling.map((t) => [
      t.label,
      precise(t.value),
      "",
      `≥ ${t.target}×`,
      t.met ? "met" : "**not met**",
    ]),
  ];

  const profileParts = profiles.flatMap((p) => [
    "",
    `${p.name}: ${formatMillis(p.loginMs)} per login over ${p.calls} profiled logins = ` +
      `${formatMillis(p.hashMs)} in the argon2id verify + ${formatMillis(p.storeMs)} in the store + ` +
      `${formatMillis(Math.max(0, p.loginMs - p.hashMs - p.storeMs))} elsewhere (validation, policy, tokens, ` +
      "the event loop)." +
      ` The same login with a hasher that answers at once, ${p.withoutHash.calls} back to back: ` +
      `${formatMillis(p.withoutHash.loginMs)}, of which ${formatMillis(p.withoutHash.storeMs)} in the store; ` +
      "the login's own work, hot. What the profiled logins spend beyond the hash and this is the same work " +
      "run right after the verify, after an idle wait, on caches the 19 MiB hash evicted." +
      (p.roundTrips.length > 0
        ? ` One round trip, back to back: ${p.roundTrips.map((r) => `${r.name} ${formatMillis(r.ms)}`).join(", ")}; ` +
          `the same right after an argon2id verify, as a login makes it (the process and the servers idle for ` +
          `the hash's time): ${p.roundTrips.map((r) => `${r.name} ${formatMillis(r.afterHashMs)}`).join(", ")}. ` +
          "A login makes two such steps, one before the hash (the reservation and the user, side by side) and " +
          "one after it (the settlement, the session and the audit entry: one `signInCommit` where the store " +
          "has one, else three calls side by side); set twice that wake-up beside what the login adds to the " +
          "bare verify above."
        : ""),
    "",
    ...timelineParts(p),
    markdownTable(
      ["repository call", "calls per login", "ms per login", "ms per login, back to back without the hash"],
      p.repositories.map((r) => [
        `\`${r.name}\`${AFTER_THE_ANSWER.has(r.name) ? " (after the answer)" : ""}`,
        r.callsPerLogin.toFixed(1),
        r.msPerLogin.toFixed(3),
        (p.withoutHash.repositories.find((h) => h.name === r.name)?.msPerLogin ?? 0).toFixed(3),
      ]),
    ),
  ]);

  const gatehouseHttp = http.contenders.find((c) => c.id === "http-gatehouse");
  const hashOf = { "http-gatehouse": "hash-argon2", "http-better-auth": "hash-scrypt" };
  const httpRows = http.contenders.map((c) => {
    const ownHash = http.contenders.find((h) => h.id === hashOf[c.id]);
    return [
      c.name,
      formatMillis(c.ms.median),
      `${formatMillis(Math.min(...c.roundMedians))} – ${formatMillis(Math.max(...c.roundMedians))}`,
      ownHash
        ? `${formatMillis(c.ms.median - ownHash.ms.median)} (${formatRatio(c.ms.median / ownHash.ms.median)})`
        : "",
      formatRatio(c.ms.median / gatehouseHttp.ms.median),
    ];
  });

  return [
    "## Login cost",
    "",
    "Every password hash is argon2id m=19456 KiB, t=2, p=1 (checked on each contender's stored hash before " +
      "timing); each user has signed in once and chosen a password, so a login is one verification ending at " +
      "the `authenticated` stage, checked on every call. Postgres: a fresh schema on the server; Redis: a fresh " +
      "key prefix; the store is `{ ...createPostgresStore(), ...createRedisStore() }`. Versions: " +
      `${Object.entries(peerVersions(["@node-rs/argon2", "better-auth", "express", "pg", "ioredis"]))
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")}.`,
    "",
    `### Sequential: median latency per call`,
    "",
    `${settings.rounds} rounds of ${settings.calls} calls per contender, interleaved call by call (one call in ` +
      "flight at a time); median over every call, range of the rounds' medians. After each Gatehouse login " +
      "its service is flushed, untimed: the audit outbox's drain, which a login leaves until after its " +
      "answer, never runs during another contender's call. The floor row (with " +
      "Postgres and Redis) is the bare verify between two round trips that do nothing else, as a login makes " +
      "them: the stored hash must be read before the verify and the outcome written after it, each time " +
      "waking servers that idled through the hash, so no login on these servers is faster; the rows after " +
      "the targets below set the Postgres + Redis login over it.",
    "",
    markdownTable(["Contender", "median per call", "round medians", "÷ bare verify"], latencyRows),
    "",
    "### Parallel: throughput with 1, 2 and 4 calls in flight",
    "",
    `Each worker signs in as a user of its own, back to back for ${settings.parallelMs} ms; median of ` +
      `${settings.parallelRounds} interleaved rounds (min – max), then the median over rounds of the rate ÷ ` +
      "the bare verify's at the same parallelism in the same round. Gains are ÷ the same contender at 1. " +
      `libuv's thread pool has ${process.env.UV_THREADPOOL_SIZE ?? 4} threads on this machine's ` +
      `${os.availableParallelism()} cores.`,
    "",
    markdownTable(
      [
        "Contender",
        ...PARALLELISM.map((p) => `${p} in flight`),
        ...PARALLELISM.slice(1).map((p) => `gain ×${p}`),
      ],
      throughputRows,
    ),
    "",
    markdownTable(["Target", "measured", "per-round range", "target", ""], targetRows),
    "",
    "### Where a login's time goes",
    ...profileParts,
    "",
    "### Over HTTP: Gatehouse's login route beside Better Auth's email sign-in",
    "",
    "One Express 5 app on loopback, `fetch` with keep-alive from the same process, a same-origin `Origin` " +
      "header; each right sign-in must answer 200 with its session cookie, and both answered 401 to a wrong " +
      "password before timing. Gatehouse: `gatehouseRouter` with its defaults (CSRF checks on) but " +
      "`secure: false` for plain HTTP and its per-client throttles off (a run signs in more often from one " +
      "address than a sign-in throttle allows). Better Auth: its defaults, with its memory adapter, its rate limiter " +
      "pinned off (its default outside NODE_ENV=production) and its logger off. **Better Auth keeps its default " +
      "password hashing, scrypt N=16384, r=16, p=1 (`node:crypto`), as shipped: that cost is part of the " +
      "comparison**, so the last two rows time each side's hash alone, and *beyond its own hash* is what each " +
      "route adds to it, of which the floor row is the HTTP request itself. " +
      `${settings.rounds} rounds of ${settings.httpCalls} calls, interleaved call by call.`,
    "",
    markdownTable(
      ["Contender", "median per call", "round medians", "beyond its own hash", "÷ Gatehouse route"],
      httpRows,
    ),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runLoginBench({ quick: process.argv.includes("--quick") });
  console.log(table);
}
