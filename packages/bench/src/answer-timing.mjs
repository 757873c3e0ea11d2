// Whether an answer's time tells a registered address from an unknown one (issue 11, item 7): "forgot
// password" and a wrong password, each for a registered and an unknown address, timed call by call on
// PostgreSQL + Redis. The two answers of a pair must read the same; only their time is measured.
// A cheap argon2id (the same for both addresses) keeps the store's work, not the hash, in the numbers.

import { performance } from "node:perf_hooks";
import {
  createGatehouse,
  createMemoryMailer,
  definePolicy,
  generateSecretKey,
  presets,
} from "@gatehousejs/core";
import { createCountingHasher, createTestClock } from "@gatehousejs/core/testing";
import { onboardUsers } from "./gatehouse-fixture.mjs";
import { formatMillis, markdownTable, summarize } from "./harness.mjs";
import { openPostgres, openRedis } from "./services.mjs";

const HOUR = 3_600_000;

/** A mailer that takes `ms` to accept each message, as a remote SMTP relay does. */
function slowMailer(ms) {
  const inner = createMemoryMailer();
  return {
    ...inner,
    send: (mail) => new Promise((resolve) => setTimeout(() => resolve(inner.send(mail)), ms)),
  };
}

async function timePairs({ store, mailerMs, rounds, calls }) {
  const clock = createTestClock();
  const mailer = mailerMs > 0 ? slowMailer(mailerMs) : createMemoryMailer();
  const gatehouse = createGatehouse({
    store,
    mailer,
    clock,
    hasher: createCountingHasher(),
    secrets: { current: generateSecretKey("k1") },
    // No lock and no throttle get in the way: every call takes the path it would take the first time.
    policy: definePolicy(presets.enterprise, { lockout: { maxFailures: 1_000_000, quickRetryMs: 0 } }),
  });
  const domain = `timing-${mailerMs}-${Date.now().toString(36)}.test`;
  const { emails } = await onboardUsers({ gatehouse, mailer }, { domain, count: 1 });
  const registered = emails[0];
  const unknown = `nobody@${domain}`;
  const forgot = (email) => async () => {
    clock.advance(2 * HOUR);
    const answer = await gatehouse.requestPasswordReset({ email });
    if (answer !== undefined) throw new Error("forgot password answered something");
  };
  const wrong = (email) => async () => {
    clock.advance(2 * HOUR);
    const error = await gatehouse.login({ email, password: "not the password at all" }).catch((e) => e);
    if (error?.code !== "INVALID_CREDENTIALS") throw new Error(`a wrong password answered ${error?.code}`);
  };
  const contenders = [
    { id: "forgot-registered", call: forgot(registered) },
    { id: "forgot-unknown", call: forgot(unknown) },
    ...(mailerMs > 0
      ? []
      : [
          { id: "wrong-registered", call: wrong(registered) },
          { id: "wrong-unknown", call: wrong(unknown) },
        ]),
  ];
  return timeAnswers(gatehouse, contenders, { rounds, calls });
}

/**
 * Times each contender's answer, interleaved call by call (one contender later each round). The work a call
 * leaves for after its answer is awaited between calls, untimed: a server between requests, not a backlog
 * landing on whichever call comes next.
 */
async function timeAnswers(gatehouse, contenders, { rounds, calls }) {
  const samples = new Map(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < calls; i++) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(round + i + k) % contenders.length];
        await gatehouse.flush();
        const start = performance.now();
        await contender.call();
        samples.get(contender.id).push(performance.now() - start);
      }
    }
  }
  await gatehouse.flush();
  return new Map(
    contenders.map((c) => [c.id, { ms: summarize(samples.get(c.id)), samples: samples.get(c.id) }]),
  );
}

/** The benchmark section: median answer times per address kind, with an instant and a 100 ms mailer. */
export async function runAnswerTimingBench({ quick = false } = {}) {
  const postgres = await openPostgres();
  const redis = await openRedis();
  const title = "## Answer timing: registered vs unknown address (PostgreSQL + Redis)";
  if (postgres.unavailable || redis.unavailable) {
    await postgres.close?.();
    await redis.close?.();
    const reason = postgres.unavailable ?? redis.unavailable;
    return { table: `${title}\n\nnot run: ${reason}`, results: null };
  }
  try {
    const store = { ...postgres.store, ...redis.store };
    const settings = quick ? { rounds: 2, calls: 5 } : { rounds: 5, calls: 40 };
    const instant = await timePairs({ store, mailerMs: 0, ...settings });
    const slow = await timePairs({
      store,
      mailerMs: 100,
      ...(quick ? { rounds: 1, calls: 2 } : { rounds: 2, calls: 10 }),
    });
    const row = (label, timed, id) => {
      const { ms } = timed.get(id);
      return [label, id, formatMillis(ms.median), formatMillis(ms.min), formatMillis(ms.max)];
    };
    const rows = [
      row("instant mailer", instant, "forgot-registered"),
      row("instant mailer", instant, "forgot-unknown"),
      row("instant mailer", instant, "wrong-registered"),
      row("instant mailer", instant, "wrong-unknown"),
      row("100 ms mailer", slow, "forgot-registered"),
      row("100 ms mailer", slow, "forgot-unknown"),
    ];
    const table = [
      title,
      "",
      "Sequential calls interleaved call by call, the work left for after each answer awaited (untimed) before the next; a cheap argon2id (m=1024, t=1) for every address.",
      "",
      markdownTable(["mailer", "call", "median", "min", "max"], rows),
    ].join("\n");
    return { table, results: { instant, slow, settings } };
  } finally {
    await postgres.close();
    await redis.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await runAnswerTimingBench({ quick: process.argv.includes("--quick") });
  console.log(table);
}
