// The HTTP layer's part of the session benchmark (issue 13, item 9): its contenders (served by
// ./http-layer-servers.mjs), its ratios and their rows. src/session.mjs starts the servers, times these
// contenders with the others, and adds the rows below to its ratio table.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { formatRatio, summarize } from "../harness.mjs";

/** The forked server module of these contenders. */
export const HTTP_LAYER_SERVERS = new URL("./http-layer-servers.mjs", import.meta.url);

/** The contenders, in table order, with their labels. */
export const HTTP_LAYER_CONTENDERS = [
  { name: "express-direct", label: "Express route calling `validateSession` itself (no HTTP layer)" },
  { name: "express-binding", label: "Express binding: `gatehouseMiddleware` + `requirePermission`" },
  { name: "fastify-binding", label: "Fastify binding: `gatehousePlugin` + `requirePermission` preHandler" },
  { name: "node-direct", label: "node:http calling `validateSession` itself (no HTTP layer)" },
  { name: "fetch-handler", label: "Fetch handler on node:http: `authenticate` + `assertPermission`" },
];

/**
 * The target: the layer may add at most 5% to the Express binding's request time, measured against the same
 * check done directly in an Express route. Request time is the inverse of throughput at the same concurrency,
 * so the binding must keep at least 1 / 1.05 of the direct route's requests per second.
 */
export const LAYER_TARGET = 1 / 1.05;

const labelOf = (name) => HTTP_LAYER_CONTENDERS.find((c) => c.name === name)?.label ?? name;

/** The number of paired rounds, and their length in seconds, of {@link timeLayerPairs}. */
export const LAYER_PAIRS = { pairs: 30, seconds: 1 };
const QUICK_LAYER_PAIRS = { pairs: 4, seconds: 1 };

/** The CPU time (user + system) the process has used, in µs, or null where /proc is not there. */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/**
 * The layer's target measured in paired rounds: short rounds of the direct Express route and of the Express
 * binding back to back (which goes first alternates), and the median of each pair's ratio. A shared machine's
 * speed drifts by more than the 5% being measured over the seconds a long round takes; a pair's two rounds see
 * the same machine. Also the server process's CPU time per request in each round (from /proc), whose ratio
 * does not depend on what else the machine runs. `load(contender, seconds)` answers autocannon's result.
 */
export async function timeLayerPairs(servers, load, quick) {
  const { pairs, seconds } = quick ? QUICK_LAYER_PAIRS : LAYER_PAIRS;
  const byName = Object.fromEntries(servers.setup.contenders.map((c) => [c.name, c]));
  const direct = byName["express-direct"];
  const binding = byName["express-binding"];
  const throughput = [];
  const cpu = [];
  for (let i = 0; i < pairs; i++) {
    const measured = {};
    for (const contender of i % 2 === 0 ? [direct, binding] : [binding, direct]) {
      const before = cpuMicros(servers.pid);
      const result = await load(contender, seconds);
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(`${contender.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      }
      const after = cpuMicros(servers.pid);
      measured[contender.name] = {
        rps: result.requests.average,
        cpu: before === null || after === null ? null : (after - before) / result.requests.total,
      };
    }
    const d = measured["express-direct"];
    const b = measured["express-binding"];
    throughput.push(b.rps / d.rps);
    if (d.cpu !== null && b.cpu !== null) cpu.push(d.cpu / b.cpu);
  }
  return {
    pairs,
    seconds,
    throughput: summarize(throughput),
    cpu: cpu.length === pairs ? summarize(cpu) : null,
  };
}

/**
 * The ratios of throughput of these contenders (the ratio of the medians, and per round). The target row is the
 * median of the paired rounds when they ran (see {@link timeLayerPairs}).
 */
export function evaluateHttpLayerRatios(contenders, pairs) {
  const byName = Object.fromEntries(contenders.map((c) => [c.name, c]));
  const ratio = (ours, theirs) => {
    const a = byName[ours];
    const b = byName[theirs];
    if (!a || !b) return null;
    const perRound = summarize(a.rounds.map((rps, i) => rps / b.rounds[i]));
    return { ours, theirs, value: a.rps.median / b.rps.median, perRound };
  };
  const layer = ratio("express-binding", "express-direct");
  const paired = pairs && {
    ours: "express-binding",
    theirs: "express-direct",
    paired: pairs,
    value: pairs.throughput.median,
    perRound: pairs.throughput,
    target: LAYER_TARGET,
    met: pairs.throughput.median >= LAYER_TARGET,
  };
  return [
    paired,
    layer && (paired ? layer : { ...layer, target: LAYER_TARGET, met: layer.value >= LAYER_TARGET }),
    ratio("fetch-handler", "node-direct"),
    ratio("fastify-binding", "express-binding"),
    ratio("fetch-handler", "express-binding"),
  ].filter(Boolean);
}

/** The rows of the section's ratio table (Ratio, measured, per-round range, target, verdict). */
export function httpLayerRatioRows(ratios) {
  return ratios.map((r) => [
    `${labelOf(r.ours)} ÷ ${labelOf(r.theirs)}${
      r.paired
        ? ` — ${r.paired.pairs} paired rounds of ${r.paired.seconds} s, median of the pairs' ratios${
            r.paired.cpu
              ? `; server CPU per request, direct ÷ binding: ${r.paired.cpu.median.toFixed(3)}×`
              : ""
          }`
        : ""
    }`,
    `${r.value.toFixed(3)}×`,
    `${formatRatio(r.perRound.min)} – ${formatRatio(r.perRound.max)}`,
    r.target === undefined ? "" : `≥ ${r.target.toFixed(3)}× (at most 5% more request time)`,
    r.target === undefined ? "" : r.met ? "met" : "**not met**",
  ]);
}

/** The paragraph that says what the layer's rows compare. */
export const HTTP_LAYER_NOTE =
  "The HTTP layer's cost (src/session/http-layer-servers.mjs, one more forked process): one service, store " +
  "and session for five contenders that differ only in what stands between the socket and " +
  "`gatehouse.validateSession`. The direct routes read the cookie, call `validateSession`, check the stage " +
  "and the permission with core's `can` and resend the cookie when the deadline slid; the bindings do the " +
  "same through @gatehousejs/http (the Express and Fastify bindings read the session from a light request " +
  "head and build a Fetch `Request` only for a Gatehouse route; the Fetch handler contender converts every " +
  "request), `handler.authenticate`, the guard on the request's auth. Target of the HTTP-layer issue: the " +
  "Express binding keeps at least 1/1.05 of the direct Express route's throughput, i.e. the layer adds at most " +
  "5% to the request time. It is judged on the paired rounds (first row): the 5-second rounds above are " +
  "minutes apart, and this machine's speed drifts by more than 5% over that time.";

/**
 * Runs ./http-layer-cpu.mjs (the layer's CPU time per request in one process, no socket, memory store) in a
 * child process on the built packages, and answers its one-line report.
 */
export async function runHttpLayerCpu(quick) {
  const script = fileURLToPath(new URL("./http-layer-cpu.mjs", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...(quick ? ["--quick"] : [])], {
    env: process.env,
  });
  return stdout.trim();
}
