// Benchmark 4 of issue 8, "Session validation": the middleware benchmark of the express-middleware package
// (its servers, packages/express-middleware/bench/servers.mjs, forked as its own bench/session.mjs does: a bare
// Express route, express-session + connect-redis, Gatehouse's `requirePermission` on Postgres + Redis, in its
// default configuration: sessions carry their principal) with Better Auth's `getSession` behind the same route
// added as a contender (src/session/better-auth-servers.mjs: memory adapter, with and without Redis secondary
// storage), loaded with autocannon in interleaved rounds; then the Redis session scale benchmark
// (packages/adapter-redis/bench/scale.mjs: record size, memory per 100,000 sessions, validation at 10,000 and
// 100,000 live sessions, or 10,000 and 1,000,000 with `--full`) and the Postgres scale benchmark
// (packages/adapter-postgres/bench/scale.mjs) at 10,000 users, or 10,000 and 1,000,000 with `--full`.
// Run alone with `node src/session.mjs [--quick|--full]`, or through `src/run.mjs`.

import { execFile, fork } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { formatRatio, markdownTable, peerVersions, summarize } from "./harness.mjs";
import { probeServices } from "./services.mjs";
import {
  evaluateHttpLayerRatios,
  HTTP_LAYER_CONTENDERS,
  HTTP_LAYER_NOTE,
  HTTP_LAYER_SERVERS,
  httpLayerRatioRows,
  runHttpLayerCpu,
  timeLayerPairs,
} from "./session/http-layer.mjs";

const NORMAL = { rounds: 5, seconds: 5, warmupSeconds: 1, connections: 32 };
const QUICK = { rounds: 2, seconds: 1, warmupSeconds: 1, connections: 32 };
const TARGETS = { overExpressSession: 1.2, overBare: 0.8, overBetterAuthRedis: 2, p99OverExpressSession: 1 };

const MIDDLEWARE_SERVERS = new URL("../../express-middleware/bench/servers.mjs", import.meta.url);
const BETTER_AUTH_SERVERS = new URL("./session/better-auth-servers.mjs", import.meta.url);
const SCALE = new URL("../../adapter-postgres/bench/scale.mjs", import.meta.url);
const REDIS_SCALE = new URL("../../adapter-redis/bench/scale.mjs", import.meta.url);

/** Every contender, in table order, with its label; `open` marks the one route that checks nothing. */
export const CONTENDERS = [
  { name: "bare", label: "(a) bare Express route (no session)", open: true },
  { name: "bare-redis", label: "(a′) the bare route + one Redis `GET` per request (the cookie's key)" },
  { name: "express-session", label: "(b) express-session + connect-redis (rolling)" },
  { name: "express-session-fixed", label: "express-session + connect-redis (not rolling)" },
  { name: "gatehouse", label: "Gatehouse `requirePermission`, Postgres + Redis sessions" },
  { name: "better-auth-memory", label: "Better Auth `getSession`, memory adapter" },
  { name: "better-auth-redis", label: "Better Auth `getSession`, memory adapter + Redis secondary storage" },
  // The HTTP layer's cost (issue 13): src/session/http-layer.mjs.
  ...HTTP_LAYER_CONTENDERS,
];
const labelOf = (name) => CONTENDERS.find((c) => c.name === name)?.label ?? name;

/** Forks a server module and waits for its `{ contenders }` message; `stop()` asks it to clean up and exit. */
async function startServers(url, env = {}) {
  // The children's stdout goes to our stderr: run.mjs's stdout holds only the tables.
  const child = fork(fileURLToPath(url), [], {
    stdio: ["ignore", 2, 2, "ipc"],
    // Plain Node on the built dist: not the parent's flags (under vitest, conditions that resolve to sources).
    execArgv: [],
    env: { ...process.env, ...env },
  });
  const [setup] = await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${url.pathname} exited (${code}) before its servers were ready`);
    }),
  ]);
  return {
    setup,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.send("stop");
      await exited;
    },
  };
}

/**
 * Throws unless every contender answers 200 `{ ok: true }` with its cookie and 401 without one (the bare route
 * checks nothing and answers 200 both ways). Returns what each answered.
 */
export async function checkSessionAgreement(contenders) {
  const answers = [];
  const disagreements = [];
  for (const contender of contenders) {
    const open = CONTENDERS.find((c) => c.name === contender.name)?.open ?? false;
    const signedIn = await fetch(contender.url, {
      headers: contender.cookie ? { cookie: contender.cookie } : {},
    });
    const body = await signedIn.json().catch(() => null);
    const anonymous = await fetch(contender.url);
    await anonymous.arrayBuffer();
    answers.push({
      name: contender.name,
      withCookie: signedIn.status,
      withoutCookie: anonymous.status,
    });
    if (signedIn.status !== 200 || body?.ok !== true) {
      disagreements.push(
        `${contender.name}: with its cookie answered ${signedIn.status}, not 200 { ok: true }`,
      );
    }
    if (anonymous.status !== (open ? 200 : 401)) {
      disagreements.push(`${contender.name}: without a cookie answered ${anonymous.status}`);
    }
  }
  if (disagreements.length > 0)
    throw new Error(`session contenders disagree:\n  ${disagreements.join("\n  ")}`);
  return answers;
}

function load(contender, { seconds, connections }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: contender.url,
        connections,
        duration: seconds,
        headers: contender.cookie ? { cookie: contender.cookie } : {},
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Rounds of autocannon per contender, interleaved (each round starts one contender later). */
async function timeContenders(contenders, settings) {
  for (const contender of contenders) await load(contender, { ...settings, seconds: settings.warmupSeconds });
  const rounds = new Map(contenders.map((c) => [c.name, { rps: [], p99: [] }]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length];
      const result = await load(contender, settings);
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(
          `${contender.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
        );
      }
      rounds.get(contender.name).rps.push(result.requests.average);
      rounds.get(contender.name).p99.push(result.latency.p99);
    }
  }
  return contenders.map((c) => {
    const { rps, p99 } = rounds.get(c.name);
    return {
      name: c.name,
      label: labelOf(c.name),
      rps: summarize(rps),
      p99: summarize(p99),
      rounds: rps,
      p99Rounds: p99,
    };
  });
}

/** Runs the Redis session scale benchmark in a child process and returns its Markdown report. */
async function runRedisScale(quick, full) {
  const args = [fileURLToPath(REDIS_SCALE), ...(full ? ["--full"] : quick ? ["--quick"] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| "));
  return (start >= 0 ? lines.slice(start) : lines).join("\n").trim();
}

/** Runs scale.mjs in a child process and returns its report (everything from the timing note on). */
async function runScale(full) {
  const args = [fileURLToPath(SCALE), ...(full ? [] : ["--quick"])];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith("median of"));
  return (start >= 0 ? lines.slice(start) : lines).join("\n").trim();
}

/** Runs the session benchmark and returns its Markdown section and the raw numbers. */
export async function runSessionBench({ quick = false, full = false } = {}) {
  const settings = quick ? QUICK : NORMAL;
  const probed = await probeServices();
  const down = [probed.postgres, probed.redis].filter((reason) => reason !== null);
  if (down.length > 0) {
    if (process.env.CI === "true")
      throw new Error(`the session benchmark needs its servers: ${down.join("; ")}`);
    const results = { settings: { ...settings, quick, full }, unavailable: down.join("; ") };
    return { table: renderSection(results), results };
  }

  const started = [];
  let middleware;
  let agreement;
  let timed;
  let layerPairs;
  try {
    const middlewareServers = await startServers(MIDDLEWARE_SERVERS);
    started.push(middlewareServers);
    middleware = middlewareServers.setup;
    const betterAuthServers = await startServers(BETTER_AUTH_SERVERS);
    started.push(betterAuthServers);
    const httpLayerServers = await startServers(HTTP_LAYER_SERVERS);
    started.push(httpLayerServers);
    const all = [
      ...middleware.contenders,
      ...betterAuthServers.setup.contenders,
      ...httpLayerServers.setup.contenders,
    ];
    const order = CONTENDERS.map((c) => c.name);
    all.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    agreement = await checkSessionAgreement(all);
    timed = await timeContenders(all, settings);
    layerPairs = await timeLayerPairs(
      httpLayerServers,
      (contender, seconds) => load(contender, { ...settings, seconds }),
      quick,
    );
  } finally {
    for (const servers of started) await servers.stop();
  }
  const redisScale = await runRedisScale(quick, full);
  const scale = await runScale(full);
  const layerCpu = await runHttpLayerCpu(quick);
  const results = {
    settings: { ...settings, quick, full },
    durable: middleware.durable,
    agreement,
    contenders: timed,
    redisScale,
    scale,
    layerCpu,
  };
  results.ratios = evaluateRatios(timed);
  results.layerRatios = evaluateHttpLayerRatios(timed, layerPairs);
  return { table: renderSection(results), results };
}

function evaluateRatios(contenders) {
  const byName = Object.fromEntries(contenders.map((c) => [c.name, c]));
  const ratio = (ours, theirs) => {
    const perRound = summarize(ours.rounds.map((rps, i) => rps / theirs.rounds[i]));
    return { value: ours.rps.median / theirs.rps.median, perRound };
  };
  return ["gatehouse"].map((name) => {
    const ours = byName[name];
    const overBare = ratio(ours, byName.bare);
    const floor = byName["bare-redis"];
    const overSession = ratio(ours, byName["express-session"]);
    return {
      name,
      label: labelOf(name),
      overBare: { ...overBare, target: TARGETS.overBare, met: overBare.value >= TARGETS.overBare },
      overSession: {
        ...overSession,
        target: TARGETS.overExpressSession,
        met: overSession.value >= TARGETS.overExpressSession,
      },
      // Tail latency: lower is better, so the target is a ceiling.
      p99OverSession: (() => {
        const theirs = byName["express-session"];
        const value = ours.p99.median / theirs.p99.median;
        const perRound = summarize(ours.p99Rounds.map((ms, i) => ms / theirs.p99Rounds[i]));
        return {
          value,
          perRound,
          target: TARGETS.p99OverExpressSession,
          met: value <= TARGETS.p99OverExpressSession,
        };
      })(),
      // The reference under "÷ bare route": the bare route with one Redis read per request (Gatehouse shares
      // one read among the requests of an event-loop turn, so it may pass it).
      floorOverBare: floor ? ratio(floor, byName.bare) : null,
      overFloor: floor ? ratio(ours, floor) : null,
      overBetterAuthMemory: ratio(ours, byName["better-auth-memory"]),
      overBetterAuthRedis: (() => {
        const r = ratio(ours, byName["better-auth-redis"]);
        return { ...r, target: TARGETS.overBetterAuthRedis, met: r.value >= TARGETS.overBetterAuthRedis };
      })(),
    };
  });
}

function renderSection(results) {
  const { settings } = results;
  const intro = [
    "## Session validation",
    "",
    "An authenticated `GET /data` on Express 5 over loopback, loaded with autocannon " +
      `(${settings.connections} connections) from the bench process; the servers run in two forked processes ` +
      "(packages/express-middleware/bench/servers.mjs, and src/session/better-auth-servers.mjs for Better Auth). " +
      "Contenders: (a) a bare route that checks nothing; (a′) the same route reading one Redis key named by " +
      "the cookie (`GET`, 401 when absent), one command per request: what any check against shared state " +
      "costs when each request sends its own read; (b) express-session + connect-redis on the same Redis, " +
      "checking a signed-in user holding a role; Gatehouse's `gatehouseMiddleware` + " +
      '`requirePermission("platform.user-management", "view")`, users in PostgreSQL and sessions in Redis, ' +
      "in its default configuration (each session carries its principal, read with its organization's " +
      "authorization version in one `MGET`, the reads of one event-loop turn sharing one command: no durable " +
      "read per request, nothing stale); Better Auth's `auth.api.getSession` (memory adapter, email " +
      "and password, without and with Redis secondary storage). Before timing, every contender answered 200 with " +
      "its cookie and 401 without (the bare route 200 both ways); every timed request must answer 2xx. " +
      `${settings.rounds} rounds of ${settings.seconds} s per contender after a ${settings.warmupSeconds} s ` +
      `warm-up, interleaved (each round starts one contender later); ${os.availableParallelism()} cores. ` +
      `Versions: ${Object.entries(
        peerVersions(["better-auth", "express", "express-session", "connect-redis", "ioredis", "autocannon"]),
      )
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")}.`,
  ];
  if (results.unavailable) {
    return [
      ...intro,
      "",
      markdownTable(
        ["Part", "Result"],
        [
          ["Middleware under load", `not run: ${results.unavailable}`],
          ["Redis session scale", `not run: ${results.unavailable}`],
          ["Postgres scale", `not run: ${results.unavailable}`],
        ],
      ),
    ].join("\n");
  }
  const { contenders, ratios, agreement, scale, redisScale, durable } = results;
  const rows = contenders.map((c) => {
    const answered = agreement.find((a) => a.name === c.name);
    return [
      c.label,
      `${Math.round(c.rps.median).toLocaleString("en")} req/s`,
      `${Math.round(c.rps.min).toLocaleString("en")} – ${Math.round(c.rps.max).toLocaleString("en")}`,
      `${c.p99.median.toFixed(1)} ms`,
      `${answered.withCookie} / ${answered.withoutCookie}`,
    ];
  });
  const precise = (r) => `${r.value.toFixed(3)}×`;
  const range = (r) => `${formatRatio(r.perRound.min)} – ${formatRatio(r.perRound.max)}`;
  const ratioRows = ratios.flatMap((r) => [
    [
      `${r.label} ÷ (a) bare route`,
      precise(r.overBare),
      range(r.overBare),
      `≥ ${r.overBare.target}×`,
      r.overBare.met ? "met" : "**not met**",
    ],
    ...(r.floorOverBare
      ? [
          [
            "(a′) the bare route + one Redis `GET` per request ÷ (a) bare route: a check of shared session " +
              "state (revocation at once on every instance) that sends one command per request",
            precise(r.floorOverBare),
            range(r.floorOverBare),
            "",
            "",
          ],
          [`${r.label} ÷ (a′) one GET per request`, precise(r.overFloor), range(r.overFloor), "", ""],
        ]
      : []),
    [
      `${r.label} ÷ (b) express-session (rolling)`,
      precise(r.overSession),
      range(r.overSession),
      `≥ ${r.overSession.target}×`,
      r.overSession.met ? "met" : "**not met**",
    ],
    [
      `${r.label}: p99 latency ÷ (b) express-session (rolling)'s`,
      precise(r.p99OverSession),
      range(r.p99OverSession),
      `≤ ${r.p99OverSession.target}× (no worse)`,
      r.p99OverSession.met ? "met" : "**not met**",
    ],
    [
      `${r.label} ÷ Better Auth, memory adapter`,
      precise(r.overBetterAuthMemory),
      range(r.overBetterAuthMemory),
      "",
      "",
    ],
    [
      `${r.label} ÷ Better Auth, Redis secondary storage`,
      precise(r.overBetterAuthRedis),
      range(r.overBetterAuthRedis),
      `≥ ${r.overBetterAuthRedis.target}×`,
      r.overBetterAuthRedis.met ? "met" : "**not met**",
    ],
  ]);
  return [
    ...intro.slice(0, -1),
    `${intro.at(-1)} Gatehouse's durable store: ${durable}.`,
    "",
    markdownTable(
      ["Contender", "req/s (median)", "round range", "p99 (median)", "agreement: with / without cookie"],
      rows,
    ),
    "",
    "Ratios of throughput: the ratio of the medians, and the range of the same ratio per round. Targets from " +
      "the middleware issue and issue 15: Gatehouse at least 1.2× express-session + connect-redis, at least 0.8× " +
      "the bare route and at least 2× Better Auth with Redis, and a p99 latency no worse than express-session's " +
      "(the ratio of the p99 medians, and per round).",
    "",
    markdownTable(["Ratio", "measured", "per-round range", "target", ""], ratioRows),
    "",
    HTTP_LAYER_NOTE,
    "",
    markdownTable(
      ["Ratio", "measured", "per-round range", "target", ""],
      httpLayerRatioRows(results.layerRatios),
    ),
    "",
    `The layer's CPU time, in one process without a socket (src/session/http-layer-cpu.mjs): ${results.layerCpu}.`,
    "",
    `### Redis sessions at scale: ${results.settings.full ? "10,000 and 1,000,000 live sessions" : results.settings.quick ? "10,000 live sessions" : "10,000 and 100,000 live sessions (`--full`: 1,000,000)"}`,
    "",
    "packages/adapter-redis/bench/scale.mjs in a child process (a key prefix of its own, deleted after): the " +
      "bytes of one session record carrying its principal (`MEMORY USAGE`), Redis memory per 100,000 sessions " +
      "(`INFO memory` before and after seeding), and `validateSession` through the Redis store with the seeded " +
      "sessions live. The two sizes live side by side in two logical databases (each walks a key table of its " +
      "own size) and are timed in alternating blocks of sequential calls, so a slower moment of the machine " +
      "falls on both; the ratio is the median of the paired blocks' ratios.",
    "",
    redisScale,
    "",
    `### Postgres scale: ${results.settings.full ? "10,000 and 1,000,000 users" : "10,000 users (`--full`: also 1,000,000)"}`,
    "",
    "packages/adapter-postgres/bench/scale.mjs in a child process, its report as printed (seeded in a schema of " +
      "its own, dropped after).",
    "",
    scale,
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runSessionBench({
    quick: process.argv.includes("--quick"),
    full: process.argv.includes("--full"),
  });
  console.log(table);
}
