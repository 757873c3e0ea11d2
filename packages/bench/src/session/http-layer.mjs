// The HTTP layer's part of the session benchmark (issue 13, item 9): its contenders (served by
// ./http-layer-servers.mjs), its ratios and their rows. src/session.mjs starts the servers, times these
// contenders with the others, and adds the rows below to its ratio table.

import { execFile } from "node:child_process";
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

/** The ratios of throughput of these contenders (the ratio of the medians, and per round). */
export function evaluateHttpLayerRatios(contenders) {
  const byName = Object.fromEntries(contenders.map((c) => [c.name, c]));
  const ratio = (ours, theirs) => {
    const a = byName[ours];
    const b = byName[theirs];
    if (!a || !b) return null;
    const perRound = summarize(a.rounds.map((rps, i) => rps / b.rounds[i]));
    return { ours, theirs, value: a.rps.median / b.rps.median, perRound };
  };
  const layer = ratio("express-binding", "express-direct");
  return [
    layer && { ...layer, target: LAYER_TARGET, met: layer.value >= LAYER_TARGET },
    ratio("fetch-handler", "node-direct"),
    ratio("fastify-binding", "express-binding"),
    ratio("fetch-handler", "express-binding"),
  ].filter(Boolean);
}

/** The rows of the section's ratio table (Ratio, measured, per-round range, target, verdict). */
export function httpLayerRatioRows(ratios) {
  return ratios.map((r) => [
    `${labelOf(r.ours)} ÷ ${labelOf(r.theirs)}`,
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
  "same through @gatehousejs/http (the request converted to a Fetch `Request`, `handler.authenticate`, the " +
  "guard on the request's auth). Target of the HTTP-layer issue: the Express binding keeps at least 1/1.05 " +
  "of the direct Express route's throughput, i.e. the layer adds at most 5% to the request time.";

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
