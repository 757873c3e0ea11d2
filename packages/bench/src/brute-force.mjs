// Benchmark 5 of issue 8, "Brute force": two separate processes, each its own Gatehouse on one shared store,
// fire 100 wrong passwords each, all at once, at one account; on Postgres + Redis and on Postgres alone.
// Reported: attempts fired, passwords verified, how soon the account was locked, and the state it ends in.
// Run alone with `node src/brute-force.mjs [--quick]`, or through `src/run.mjs`.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createArgon2Hasher, generateSecretKey, presets } from "@gatehousejs/core";
import { BENCH_PASSWORD, createBenchGatehouse, onboardUsers } from "./gatehouse-fixture.mjs";
import { formatMillis, markdownTable, summarize } from "./harness.mjs";
import { databaseUrl, openPostgres, openRedis, redisUrl } from "./services.mjs";

const ATTACKERS = 2;
const ATTEMPTS_PER_ATTACKER = 100;
const FULL = { runs: 3 };
const QUICK = { runs: 1 };
const attackerScript = fileURLToPath(new URL("./brute-force/attacker.mjs", import.meta.url));
const builtPackages = ["core", "adapter-postgres", "adapter-redis"].map((name) =>
  fileURLToPath(new URL(`../../${name}/dist/index.js`, import.meta.url)),
);
const lockout = presets.enterprise.lockout;

/** Runs the brute-force benchmark and returns its Markdown section and the raw numbers. */
export async function runBruteForceBench({ quick = false } = {}) {
  const settings = quick ? QUICK : FULL;
  const missing = builtPackages.filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new Error(
      `the attackers run on the built packages: run pnpm build (missing ${missing.join(", ")})`,
    );
  const postgres = await openPostgres();
  if (postgres.unavailable) return unavailable(postgres.unavailable);
  const redis = await openRedis();
  if (redis.unavailable) {
    await postgres.close();
    return unavailable(redis.unavailable);
  }
  const targets = [
    {
      id: "postgres-redis",
      name: "Postgres + Redis",
      store: { ...postgres.store, ...redis.store },
      redisKeyPrefix: redis.keyPrefix,
    },
    { id: "postgres", name: "Postgres only", store: postgres.store, redisKeyPrefix: null },
  ];
  const attackers = [];
  try {
    const secret = generateSecretKey("k1");
    for (const target of targets) {
      const config = {
        databaseUrl,
        schema: postgres.schema,
        redisUrl,
        redisKeyPrefix: target.redisKeyPrefix,
        secret,
      };
      target.attackers = Array.from({ length: ATTACKERS }, () => startAttacker(config));
      attackers.push(...target.attackers);
      const hasher = countingHasher();
      target.fixture = { ...createBenchGatehouse({ store: target.store, hasher, secret }), hasher };
      target.runs = [];
    }
    await Promise.all(attackers.map((a) => a.ready));
    // Interleaved: each round attacks on every store, starting with a different one.
    for (let round = 0; round < settings.runs; round++) {
      for (let k = 0; k < targets.length; k++) {
        const target = targets[(round + k) % targets.length];
        target.runs.push(await attackOnce(target, `${target.id}-${round}`));
      }
    }
    const results = {
      settings: { ...settings, quick },
      targets: targets.map(({ id, name, runs }) => ({ id, name, runs })),
    };
    return { table: renderSection(results), results };
  } finally {
    for (const attacker of attackers) attacker.child.stdin.end();
    await Promise.all(attackers.map((a) => a.exited));
    await redis.close();
    await postgres.close();
  }
}

/** One attack on a new account: both processes at once, the lock watched from here, the end state checked. */
async function attackOnce(target, run) {
  const { emails } = await onboardUsers(target.fixture, {
    domain: `${run}.brute-force.bench.test`,
    count: 1,
  });
  const email = emails[0];
  const key = `login:${email}`; // the key core's login flow uses: "login:" and the normalised address
  const reports = target.attackers.map((a) => a.nextReport());
  const go = performance.now();
  for (const attacker of target.attackers) {
    attacker.child.stdin.write(`${JSON.stringify({ email, attempts: ATTEMPTS_PER_ATTACKER })}\n`);
  }
  let settled = false;
  const answered = Promise.all(reports).finally(() => {
    settled = true;
  });
  // Polls the attempt state until the lock shows there, whichever process wrote it.
  let lockVisibleMs = null;
  while (lockVisibleMs === null && !settled) {
    const { state } = await target.store.attempts.get(key);
    if (state.lockedUntil !== null) lockVisibleMs = performance.now() - go;
    else await sleep(1);
  }
  const answers = await answered;
  const { state } = await target.store.attempts.get(key);

  // The right password while locked: refused, and nothing verified.
  const hasher = target.fixture.hasher;
  const before = hasher.verifications;
  const rightPassword = await target.fixture.gatehouse.login({ email, password: BENCH_PASSWORD }).then(
    () => "OK",
    (error) => error?.code ?? "RAW",
  );
  const result = {
    fired: answers.reduce((sum, r) => sum + Object.values(r.codes).reduce((s, n) => s + n, 0), 0),
    verified: answers.reduce((sum, r) => sum + r.verifications, 0),
    codes: mergeCodes(answers.map((r) => r.codes)),
    firstLockedMs: minOrNull(answers.map((r) => r.firstLockedMs)),
    lastAnswerMs: Math.max(...answers.map((r) => r.lastAnswerMs)),
    lockVisibleMs,
    checkedAt: new Date(),
    final: {
      lockedUntil: state.lockedUntil,
      failures: state.failures,
      locks: state.locks,
      inFlight: state.inFlight.length,
    },
    rightPassword,
    rightPasswordVerified: hasher.verifications - before,
  };
  checkAttack(target.name, result);
  return result;
}

/** Throws unless the attack ran whole and ended as the policy says: a fast wrong answer is not a result. */
export function checkAttack(name, result) {
  const problems = [];
  const expected = ATTACKERS * ATTEMPTS_PER_ATTACKER;
  if (result.fired !== expected) problems.push(`${result.fired} attempts answered, not ${expected}`);
  if (result.codes.OK || result.codes.RAW) problems.push(`answers ${JSON.stringify(result.codes)}`);
  if (result.verified > lockout.maxFailures) problems.push(`${result.verified} passwords verified`);
  if (result.final.lockedUntil === null || result.final.lockedUntil <= result.checkedAt)
    problems.push("the account is not locked");
  if (result.rightPassword !== "ACCOUNT_LOCKED")
    problems.push(`the right password then answered ${result.rightPassword}`);
  if (result.rightPasswordVerified !== 0) problems.push("the right password was verified during the lock");
  if (problems.length > 0) throw new Error(`brute force on ${name}: ${problems.join("; ")}`);
}

function startAttacker(config) {
  const child = spawn(process.execPath, [attackerScript, JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  let markReady;
  const ready = new Promise((resolve, reject) => {
    markReady = resolve;
    child.once("exit", (code) => reject(new Error(`an attacker exited with ${code} before it was ready`)));
  });
  lines.on("line", (line) => {
    if (line === "ready") markReady();
    else if (line.startsWith("{")) waiting.shift()?.resolve(JSON.parse(line));
  });
  // Awaited through Promise.all; a second attacker failing too must not become an unhandled rejection.
  ready.catch(() => {});
  const exited = new Promise((resolve) => child.once("exit", resolve));
  exited.then((code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`an attacker exited with ${code} mid-attack`));
  });
  return {
    child,
    ready,
    exited,
    nextReport: () => new Promise((resolve, reject) => waiting.push({ resolve, reject })),
  };
}

/** A hasher with the default cost that counts what it verifies. */
function countingHasher() {
  const inner = createArgon2Hasher();
  const hasher = {
    verifications: 0,
    hash: (password) => inner.hash(password),
    verify: (hash, password) => {
      hasher.verifications++;
      return inner.verify(hash, password);
    },
    verifyDummy: (password) => {
      hasher.verifications++;
      return inner.verifyDummy(password);
    },
  };
  return hasher;
}

function mergeCodes(list) {
  const merged = {};
  for (const codes of list)
    for (const [code, n] of Object.entries(codes)) merged[code] = (merged[code] ?? 0) + n;
  return merged;
}

function minOrNull(values) {
  const present = values.filter((v) => v !== null);
  return present.length === 0 ? null : Math.min(...present);
}

function renderSection({ settings, targets }) {
  const median = (values) => {
    const present = values.filter((v) => v !== null);
    return present.length === 0 ? "never" : formatMillis(summarize(present).median);
  };
  const rows = targets.map(({ name, runs }) => {
    const last = runs[runs.length - 1];
    const lockMinutes = (last.final.lockedUntil.getTime() - last.checkedAt.getTime()) / 60_000;
    return [
      name,
      runs.map((r) => r.fired).join(", "),
      runs.map((r) => r.verified).join(", "),
      median(runs.map((r) => r.firstLockedMs)),
      median(runs.map((r) => r.lockVisibleMs)),
      median(runs.map((r) => r.lastAnswerMs)),
      Object.entries(mergeCodes(runs.map((r) => r.codes)))
        .map(([code, n]) => `${code} ${n}`)
        .join(", "),
      `until ${last.final.lockedUntil.toISOString()} (${lockMinutes.toFixed(1)} min on); ${last.final.failures} ` +
        `failures, ${last.final.inFlight} in flight; right password → ${last.rightPassword}, ` +
        `${last.rightPasswordVerified} verified`,
    ];
  });
  return [
    "## Brute force",
    "",
    `${ATTACKERS} separate Node processes, each its own Gatehouse (built packages) on the same store, fire ` +
      `${ATTEMPTS_PER_ATTACKER} wrong passwords each, all at once, at one account (enterprise lockout: ` +
      `${lockout.maxFailures} failures lock for ${lockout.lockDurationMs / 60_000} min; a retry within ` +
      `${lockout.quickRetryMs / 1000} s of a failure locks unchecked). The processes are warm (pool open, one ` +
      `sign-in done) and start on one "go" line over stdin. ${settings.runs} run(s) per store, a new account ` +
      "each, interleaved; medians. *First ACCOUNT_LOCKED*: ms from a process's go to its first such answer " +
      "(the earlier process); *lock in state*: ms from go until this process, polling the store's attempt state " +
      "every ~1 ms, saw `lockedUntil` set. Every run was checked: all answered, none signed in, at most " +
      `${lockout.maxFailures} passwords verified, the account locked, and the right password then refused unverified.`,
    "",
    markdownTable(
      [
        "Store",
        "attempts fired",
        "passwords verified",
        "first ACCOUNT_LOCKED",
        "lock in state",
        "last answer",
        "answers (all runs)",
        "final state (last run)",
      ],
      rows,
    ),
  ].join("\n");
}

function unavailable(reason) {
  return {
    table: ["## Brute force", "", `Not run: ${reason}.`].join("\n"),
    results: { unavailable: reason },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runBruteForceBench({ quick: process.argv.includes("--quick") });
  console.log(table);
}
