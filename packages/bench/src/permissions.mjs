// Benchmark 1 of issue 8, "Permission checks": Gatehouse's `can` beside @casl/ability, accesscontrol, casbin and
// better-auth's access control, all answering for the same user over the same query mix, plus two floors.
// Run alone with `node src/permissions.mjs [--quick]`, or through `src/run.mjs`.

import { pathToFileURL } from "node:url";
import { defaultMatrix } from "@gatehousejs/core";
import {
  formatMicros,
  formatRate,
  formatRatio,
  markdownTable,
  peerVersions,
  summarize,
  timeBuilds,
  timeThroughput,
} from "./harness.mjs";
import { createContenders } from "./permissions/contenders.mjs";
import { buildQueryMix, readRoleTables } from "./permissions/query-mix.mjs";

// The peers this section compares; the manifest holds the other sections' too.
const PERMISSION_PEERS = ["@casl/ability", "accesscontrol", "better-auth", "casbin"];

/** The user of the benchmark: two combined default roles of the shipped matrix. */
export const BENCH_ROLES = ["callback.viewer", "platform.manager"];

const FULL = { rounds: 5, passMs: 200, warmupMs: 100, buildMs: 40 };
const QUICK = { rounds: 3, passMs: 20, warmupMs: 10, buildMs: 5 };

/** The mix and the built contenders, before any timing. */
export async function preparePermissionBench({ matrix = defaultMatrix, roleIds = BENCH_ROLES } = {}) {
  const roleTables = readRoleTables(matrix, roleIds);
  const mix = buildQueryMix(matrix, roleTables);
  const contenders = createContenders(matrix, roleIds, roleTables, mix);
  const subjects = new Map();
  for (const contender of contenders) subjects.set(contender.id, await contender.build());
  return { matrix, roleIds, mix, contenders, subjects };
}

/**
 * Throws unless every contender answers every query of the mix as the role tables do, and as Gatehouse does:
 * a fast wrong answer is not a result.
 */
export function checkAgreement({ mix, contenders, subjects }) {
  const disagreements = [];
  for (const contender of contenders) {
    const subject = subjects.get(contender.id);
    for (let i = 0; i < mix.size; i++) {
      const answer = contender.check(subject, mix.pages[i], mix.actions[i]);
      if (answer !== mix.expected[i]) {
        disagreements.push(`${contender.name}: (${mix.pages[i]}, ${mix.actions[i]}) → ${answer}`);
      }
    }
    const passed = contender.pass(subject, contender.input);
    if (passed !== mix.allowedCount) {
      disagreements.push(`${contender.name}: a pass allowed ${passed}, expected ${mix.allowedCount}`);
    }
  }
  if (disagreements.length > 0) {
    throw new Error(
      `contenders disagree on ${disagreements.length} answers:\n  ${disagreements.slice(0, 20).join("\n  ")}`,
    );
  }
}

/** Runs the permission benchmark and returns its Markdown section and the raw numbers. */
export async function runPermissionBench({ quick = false } = {}) {
  const settings = quick ? QUICK : FULL;
  const prepared = await preparePermissionBench();
  checkAgreement(prepared);
  const { mix, contenders, subjects } = prepared;

  const timing = (contender, ms) =>
    timeThroughput({
      pass: contender.pass,
      subject: subjects.get(contender.id),
      input: contender.input,
      opsPerPass: mix.size,
      expected: mix.allowedCount,
      ms,
    });
  for (const contender of contenders) timing(contender, settings.warmupMs);

  // Interleaved rounds, each starting one contender later, so drift in the machine (frequency, other load)
  // spreads over every contender instead of landing on whichever ran last.
  const rates = new Map(contenders.map((c) => [c.id, []]));
  const builds = new Map(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length];
      const samples = builds.get(contender.id);
      for (const sample of await timeBuilds(contender.build, settings.buildMs)) samples.push(sample);
      rates.get(contender.id).push(timing(contender, settings.passMs));
    }
  }

  const results = {
    settings: { ...settings, quick, roles: BENCH_ROLES, mixSize: mix.size, allowed: mix.allowedCount },
    contenders: contenders.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      checksPerSecond: summarize(rates.get(c.id)),
      buildMicros: summarize(builds.get(c.id)),
      roundRates: rates.get(c.id),
    })),
  };
  results.targets = evaluateTargets(results.contenders);
  return { table: renderSection(results, mix), results };
}

function evaluateTargets(contenders) {
  const byId = new Map(contenders.map((c) => [c.id, c]));
  const peers = contenders.filter((c) => c.kind === "peer");
  const fastestPeer = peers.reduce((a, b) => (b.checksPerSecond.median > a.checksPerSecond.median ? b : a));
  const ratio = (id, against, target, label) => {
    const a = byId.get(id);
    const b = typeof against === "string" ? byId.get(against) : against;
    // Per-round ratios show how much of the spread is the machine: both ran in the same round.
    const perRound = a.roundRates.map((rate, i) => rate / b.roundRates[i]);
    const value = a.checksPerSecond.median / b.checksPerSecond.median;
    return { label: label(b), value, target, met: value >= target, perRound: summarize(perRound) };
  };
  const compile = byId.get("gatehouse-can").buildMicros.median;
  return {
    fastestPeer: fastestPeer.id,
    ratios: [
      ratio("gatehouse-can", fastestPeer, 2, (b) => `\`can\` by name ÷ fastest peer (${b.name})`),
      ratio("gatehouse-can", "floor-set", 0.8, () => "`can` by name ÷ `Set` floor"),
      ratio("gatehouse-can", "floor-map", 0.8, () => "`can` by name ÷ `Map` of `Set`s floor"),
      ratio("gatehouse-handle", fastestPeer, 10, (b) => `\`canHandle\` ÷ fastest peer (${b.name})`),
    ],
    compileGrants: { micros: compile, targetMicros: 50, met: compile < 50 },
  };
}

function renderSection(results, mix) {
  const { settings, contenders, targets } = results;
  const base = contenders.find((c) => c.id === "gatehouse-can").checksPerSecond.median;
  const rows = contenders.map((c) => [
    c.name,
    formatRate(c.checksPerSecond.median),
    `${formatRate(c.checksPerSecond.min)} – ${formatRate(c.checksPerSecond.max)}`,
    formatRatio(c.checksPerSecond.median / base),
    formatMicros(c.buildMicros.median),
  ]);
  const ratioRows = targets.ratios.map((r) => [
    r.label,
    formatRatio(r.value),
    `${formatRatio(r.perRound.min)} – ${formatRatio(r.perRound.max)}`,
    `≥ ${r.target}×`,
    r.met ? "met" : "**not met**",
  ]);
  const compile = targets.compileGrants;
  ratioRows.push([
    "`compileGrants` for the user (µs)",
    formatMicros(compile.micros),
    "",
    "< 50 µs",
    compile.met ? "met" : "**not met**",
  ]);
  return [
    "## Permission checks",
    "",
    `User: \`${settings.roles.join("` + `")}\` of the shipped matrix (seed 000), ${mix.grantedPairCount} of its ` +
      `${mix.pairCount} (page, action) pairs. Query mix: ${mix.size} pairs from a seeded PRNG, ` +
      `${mix.allowedCount} allowed, in random order; every contender answered all of them like Gatehouse ` +
      `before timing. ${settings.rounds} interleaved rounds of ${settings.passMs} ms per contender; ` +
      "medians, min – max over rounds. Build: from the two roles' tables to the object that answers for " +
      "the user, median µs.",
    "",
    `Peers: ${Object.entries(peerVersions(PERMISSION_PEERS))
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}. What each contender does: packages/bench/README.md.`,
    "",
    markdownTable(["Contender", "checks/s (median)", "min – max", "÷ `can`", "build (µs)"], rows),
    "",
    markdownTable(["Target", "measured", "per-round range", "target", ""], ratioRows),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runPermissionBench({ quick: process.argv.includes("--quick") });
  console.log(table);
}
