// Benchmark: an authenticated GET behind requirePermission with sessions in Redis (durable data in PostgreSQL,
// or PGlite when no server answers), against (a) a bare Express route and (b) express-session + connect-redis
// on the same Redis. Each contender runs several rounds, interleaved; the medians are compared.
//
//   pnpm --filter @gatehousejs/express-middleware bench            # full run
//   pnpm --filter @gatehousejs/express-middleware bench -- --quick # short smoke run for CI
//   options: --pglite (durable store in PGlite), --strict (exit 1 when a target is missed),
//            --diagnose (two more contenders that show where the time goes)
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const quick = process.argv.includes("--quick");
const strict = process.argv.includes("--strict");
const rounds = quick ? 1 : 5;
const durationSeconds = quick ? 2 : 8;
const connections = 32;
const TARGETS = { overExpressSession: 1.2, overBare: 0.8 };

const LABELS = {
  bare: "(a) bare Express route",
  "bare-redis": "(a') bare route + one Redis GET per request",
  "express-session": "(b) express-session + connect-redis (rolling)",
  "express-session-fixed": "    express-session + connect-redis (not rolling)",
  gatehouse: "gatehouse: requirePermission, Redis sessions",
  "gatehouse-memory-durable": "    gatehouse, durable reads in memory, Redis sessions",
  "gatehouse-memory": "    gatehouse, all in memory (middleware cost)",
};

const child = fork(fileURLToPath(new URL("./servers.mjs", import.meta.url)), process.argv.slice(2), {
  stdio: ["inherit", "inherit", "inherit", "ipc"],
});
const [setup] = await Promise.race([
  once(child, "message"),
  once(child, "exit").then(([code]) => {
    throw new Error(`the bench servers exited (${code}) before they were ready`);
  }),
]);

function load(contender, seconds) {
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = new Map(setup.contenders.map((c) => [c.name, { rps: [], p99: [] }]));
try {
  console.log(
    `durable store: ${setup.durable}; sessions: Redis; ${connections} connections; ` +
      `${rounds} round(s) of ${durationSeconds} s per contender, interleaved`,
  );
  for (const contender of setup.contenders) await load(contender, 1); // warm-up: JIT, pools, connections
  for (let round = 0; round < rounds; round++) {
    for (const contender of setup.contenders) {
      const result = await load(contender, durationSeconds);
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(
          `${contender.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
        );
      }
      const entry = results.get(contender.name);
      entry.rps.push(result.requests.average);
      entry.p99.push(result.latency.p99);
    }
  }
} finally {
  child.send("stop");
  await once(child, "exit");
}

const summary = Object.fromEntries(
  [...results].map(([name, { rps, p99 }]) => [name, { rps: median(rps), p99: median(p99), rounds: rps }]),
);
console.log("");
console.log(
  `${"contender".padEnd(50)} ${"req/s (median)".padStart(15)} ${"p99 ms".padStart(8)}  rounds (req/s)`,
);
for (const [name, { rps, p99, rounds: all }] of Object.entries(summary)) {
  const each = all.map((r) => Math.round(r)).join(" ");
  console.log(
    `${(LABELS[name] ?? name).padEnd(50)} ${Math.round(rps).toString().padStart(15)} ${p99.toFixed(1).padStart(8)}  ${each}`,
  );
}
const verdict = (ratio, target) => (ratio >= target ? "met" : "MISSED");
let missed = false;
for (const name of ["gatehouse"]) {
  const ours = summary[name].rps;
  const overSession = ours / summary["express-session"].rps;
  const overFixed = ours / summary["express-session-fixed"].rps;
  const overBare = ours / summary.bare.rps;
  console.log("");
  console.log(`${LABELS[name]}:`);
  console.log(
    `  / (b) express-session (rolling): ${overSession.toFixed(2)}x  (target >= ${TARGETS.overExpressSession}: ${verdict(overSession, TARGETS.overExpressSession)})`,
  );
  console.log(`  / express-session (not rolling): ${overFixed.toFixed(2)}x  (for reference)`);
  console.log(
    `  / (a) bare Express:             ${overBare.toFixed(2)}x  (target >= ${TARGETS.overBare}: ${verdict(overBare, TARGETS.overBare)})`,
  );
  const floor = summary["bare-redis"].rps;
  console.log(
    `  (a') one GET / (a) bare Express: ${(floor / summary.bare.rps).toFixed(2)}x; gatehouse / (a'): ${(ours / floor).toFixed(2)}x`,
  );
  if (name === "gatehouse") missed = overSession < TARGETS.overExpressSession || overBare < TARGETS.overBare;
}
if (quick) console.log("(--quick: a smoke run; the numbers are indicative only)");
if (strict && missed) process.exit(1);
