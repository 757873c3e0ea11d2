// The timing primitives every benchmark of the package shares: throughput over a fixed time, build cost,
// medians, and the number formats of BENCHMARKS.md.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** The median, minimum and maximum of a list of numbers. */
export function summarize(values) {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/**
 * Runs `pass(subject, input)` back to back for `ms` milliseconds and returns operations per second, where one
 * pass performs `opsPerPass` operations. Each pass returns a count that MUST equal `expected`: the count is
 * the sink that keeps the optimizer from dropping the work, and checking it proves every timed pass still
 * answered right.
 */
export function timeThroughput({ pass, subject, input, opsPerPass, expected, ms }) {
  const start = performance.now();
  const deadline = start + ms;
  let passes = 0;
  let now = start;
  do {
    const got = pass(subject, input);
    if (got !== expected) throw new Error(`a timed pass answered ${got}, expected ${expected}`);
    passes++;
    now = performance.now();
  } while (now < deadline);
  return (passes * opsPerPass) / ((now - start) / 1000);
}

/**
 * Times `build()` (sync or async) for about `ms` milliseconds and returns microseconds per build, one sample
 * per batch. A batch holds enough builds to last ~50 µs, so a cheap build is not lost in the timer's own cost.
 */
export async function timeBuilds(build, ms) {
  let kept;
  const runBatch = async (size) => {
    const start = performance.now();
    for (let i = 0; i < size; i++) {
      kept = build();
      // Awaiting only real promises keeps a synchronous build free of microtask overhead.
      if (kept instanceof Promise) kept = await kept;
    }
    return performance.now() - start;
  };
  let size = 1;
  while (size < 100_000 && (await runBatch(size)) < 0.05) size *= 2;
  const samples = [];
  const deadline = performance.now() + ms;
  do samples.push(((await runBatch(size)) * 1000) / size);
  while (performance.now() < deadline || samples.length < 3);
  if (kept === undefined) throw new Error("a build returned nothing");
  return samples;
}

/** Operations per second as `12.3 M/s`, `456 k/s`. */
export function formatRate(perSecond) {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(perSecond >= 1e8 ? 0 : 1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(perSecond >= 1e5 ? 0 : 1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

/** Microseconds with three significant digits. */
export function formatMicros(micros) {
  return micros >= 100 ? micros.toFixed(0) : micros.toPrecision(3);
}

/** A ratio as `2.35×`, or with two significant digits below 0.1 (`0.0016×`). */
export function formatRatio(ratio) {
  return `${ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

/** A Markdown table from a header row and body rows of cells. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * Times sequential calls of several async contenders, interleaved call by call: in each of `rounds` rounds,
 * `calls` times over, every contender makes one call, starting one contender later each time, so load from
 * elsewhere on the machine lands on every contender alike. Only one call is in flight at any moment. Each
 * `call()` MUST check its own answer and throw on a wrong one. A contender's `settle()`, where it has one,
 * runs after each of its calls, untimed: the work a call hands off until after its answer (Gatehouse's audit
 * drain) ends before the next call, so it never lands in another contender's time. Returns, per contender
 * id, every call's milliseconds and the median of each round.
 */
export async function timeSequentialCalls(contenders, { rounds, calls }) {
  const samples = new Map(contenders.map((c) => [c.id, []]));
  const roundMedians = new Map(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    const thisRound = new Map(contenders.map((c) => [c.id, []]));
    for (let i = 0; i < calls; i++) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(round + i + k) % contenders.length];
        const start = performance.now();
        await contender.call();
        thisRound.get(contender.id).push(performance.now() - start);
        await contender.settle?.();
      }
    }
    for (const [id, values] of thisRound) {
      samples.get(id).push(...values);
      roundMedians.get(id).push(summarize(values).median);
    }
  }
  return new Map(
    contenders.map((c) => [
      c.id,
      { ms: summarize(samples.get(c.id)), roundMedians: roundMedians.get(c.id), samples: samples.get(c.id) },
    ]),
  );
}

/**
 * Runs `parallelism` workers, each calling `call(worker)` back to back until `ms` have passed (a call under
 * way finishes), and returns completed calls per second, counted until the last worker stopped.
 */
export async function timeParallelCalls(call, { parallelism, ms }) {
  const start = performance.now();
  const deadline = start + ms;
  let completed = 0;
  await Promise.all(
    Array.from({ length: parallelism }, async (_, worker) => {
      do {
        await call(worker);
        completed++;
      } while (performance.now() < deadline);
    }),
  );
  return completed / ((performance.now() - start) / 1000);
}

/** Milliseconds with three significant digits (`12.3 ms`, `0.412 ms`, `1234 ms`). */
export function formatMillis(ms) {
  return `${ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3)} ms`;
}

/** The exact versions of the named peers, from this package's manifest (its devDependencies). */
export function peerVersions(names) {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return Object.fromEntries(names.map((name) => [name, manifest.devDependencies[name] ?? "not installed"]));
}
