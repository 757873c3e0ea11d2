// The Redis session scale benchmark (issue 15, item 3): how big is a session that carries its principal, how
// much Redis memory do 100,000 of them take, and does validation stay flat from 10,000 to 1,000,000 live
// sessions?
//
//   node bench/scale.mjs            # 10,000 beside 100,000 live sessions
//   node bench/scale.mjs --quick    # the same sizes, fewer timed calls (a CI smoke test)
//   node bench/scale.mjs --full     # 10,000 beside 1,000,000 live sessions (about 1.5 GB of Redis memory)
//
// The two sizes live side by side in two logical databases of the Redis at REDIS_URL (default
// redis://127.0.0.1:6379; databases 14 and 15, or SCALE_DATABASES="a,b"), each under a key prefix of its own,
// so their validations can be timed in alternating blocks: a machine that slows down for a while slows both
// alike, and the ratio compares like with like. (Timed one size after the other, as this bench first did, the
// ratio moved by ±0.2 from run to run on a shared 2-core machine.) A database's key table is its own, so each
// lookup walks a table of its size. In each database: one Gatehouse on a memory durable store and this adapter;
// one real session is issued and validated once (its principal is then carried); its record is copied
// server-side (a Lua script per chunk of 10,000, so Redis is never blocked for long) to one session per seeded
// user, each with its per-user index entry and native TTL, exactly the keys a sign-in writes. Every seeded key
// is deleted at the end. Plain JavaScript on the built packages.

import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
  organizationTag,
  sessionKey,
} from "@gatehousejs/core";
import { makeUser } from "@gatehousejs/core/testing";
import { Redis } from "ioredis";
import { createRedisStore } from "../dist/index.js";

const quick = process.argv.includes("--quick");
const full = process.argv.includes("--full");
const SIZES = full ? [10_000, 1_000_000] : [10_000, 100_000];
const DATABASES = (process.env.SCALE_DATABASES ?? "14,15").split(",").map(Number);
const RUNS = quick ? 2_000 : 20_000;
const WARMUP = quick ? 200 : 2_000;
/** Timed calls per block; the sizes alternate block by block (and which goes first, round by round). */
const BLOCK = quick ? 200 : 1_000;
const CHUNK = 10_000;
const TARGET_RATIO = 1.2;
const DAY = 86_400_000;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const keyPrefix = `gh-scale-${randomBytes(4).toString("hex")}:`;

/**
 * One size's side: its database, a Gatehouse on it and the real session, validated once so that it carries
 * its principal.
 */
async function openSide(size, db) {
  const redis = new Redis(url, { db, maxRetriesPerRequest: 1 });
  const durable = createMemoryStore();
  const store = { ...durable, ...createRedisStore({ redis, keyPrefix }) };
  const gatehouse = createGatehouse({
    store,
    mailer: createMemoryMailer(),
    secrets: { current: generateSecretKey("k1") },
  });
  const system = { kind: "system", name: "bench" };
  const organization = await gatehouse.createOrganization(system, { name: "Scale", preset: "enterprise" });
  const now = new Date();
  // The principal of an administrator with names, a phone and two roles: the size of a typical session.
  const user = makeUser(organization.id, {
    id: "usr_scale_bench",
    email: "ada.lovelace@scale.bench.example",
    givenName: "Ada",
    familyName: "Lovelace",
    phone: "+441632960961",
    mfaPhone: "+441632960962",
    roles: ["platform.administrator", "callback.administrator"],
    createdAt: now,
    updatedAt: now,
  });
  await durable.users.createMany([user]);
  const tag = organizationTag(organization.id);
  const token = `${tag}.${randomBytes(32).toString("base64url")}`;
  const tokenHash = sessionKey(organization.id, token);
  await store.sessions.create({
    tokenHash,
    userId: user.id,
    organizationId: organization.id,
    stage: "authenticated",
    secondFactorVerified: true,
    createdAt: now,
    lastActiveAt: now,
    expiresAt: new Date(now.getTime() + DAY),
    principal: null,
  });
  if ((await gatehouse.validateSession({ sessionToken: token })) === null) {
    throw new Error("the benchmark session does not validate");
  }
  const realKey = `${keyPrefix}session:{${tag}}:${tokenHash.split(".")[1]}`;
  const template = await redis.get(realKey);
  if (template === null || !template.includes('"principal":"'))
    throw new Error("the session carries no principal");
  return { size, db, redis, gatehouse, token, tag, template, realKey, seeded: 0, samples: [] };
}

// KEYS: none (a benchmark on one server). ARGV: prefix, tag, from, to, record JSON, ttl ms.
const seedScript = `
for i = tonumber(ARGV[3]), tonumber(ARGV[4]) do
  local id = string.format('%08d', i)
  local hash = 'seed' .. id
  redis.call('SET', ARGV[1] .. 'session:{' .. ARGV[2] .. '}:' .. hash, ARGV[5], 'PX', ARGV[6])
  local index = ARGV[1] .. 'user-sessions:{usr_seed_' .. id .. '}'
  redis.call('ZADD', index, ARGV[6], ARGV[2] .. '.' .. hash)
  redis.call('PEXPIRE', index, ARGV[6])
end
return 0`;
const dropScript = `
for i = tonumber(ARGV[3]), tonumber(ARGV[4]) do
  local id = string.format('%08d', i)
  redis.call('UNLINK', ARGV[1] .. 'session:{' .. ARGV[2] .. '}:seed' .. id, ARGV[1] .. 'user-sessions:{usr_seed_' .. id .. '}')
end
return 0`;

/** Seeds `side` up to its size. */
async function seed(side) {
  const started = performance.now();
  for (let from = side.seeded + 1; from <= side.size; from += CHUNK) {
    const to = Math.min(from + CHUNK - 1, side.size);
    await side.redis.eval(seedScript, 0, keyPrefix, side.tag, from, to, side.template, DAY);
  }
  const took = (performance.now() - started) / 1000;
  process.stderr.write(
    `database ${side.db}: seeded ${side.seeded + 1}..${side.size} in ${took.toFixed(1)} s\n`,
  );
  side.seeded = side.size;
}

/** Deletes what this run wrote in `side`'s database: the seeded sessions, then every key under the prefix. */
async function clean(side) {
  for (let from = 1; from <= side.seeded; from += CHUNK) {
    await side.redis.eval(dropScript, 0, keyPrefix, side.tag, from, Math.min(from + CHUNK - 1, side.seeded));
  }
  side.seeded = 0;
  let cursor = "0";
  do {
    const [next, keys] = await side.redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await side.redis.unlink(...keys);
  } while (cursor !== "0");
  side.redis.disconnect();
}

/** Lets Redis finish the incremental rehash of its key tables that a large seeding started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

async function usedMemory(redis) {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** Times `count` sequential validations of `side`'s session, in milliseconds. */
async function timeBlock(side, count) {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const valid = await side.gatehouse.validateSession({ sessionToken: side.token });
    samples[i] = performance.now() - t;
    if (valid === null) throw new Error("the session stopped validating");
  }
  return samples;
}

const median = (values) => {
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1];
};

const sides = [];
let memoryPer100k;
let recordBytes;
const blockRatios = [];
try {
  for (const [i, size] of SIZES.entries()) sides.push(await openSide(size, DATABASES[i]));
  const [small, large] = sides;
  for (const side of sides) {
    if ((await side.redis.dbsize()) > 1_000) {
      throw new Error(`database ${side.db} is in use (set SCALE_DATABASES to two spare databases)`);
    }
  }
  recordBytes = Number(await small.redis.call("MEMORY", "USAGE", small.realKey, "SAMPLES", "0"));
  await seed(small);
  const before = await usedMemory(large.redis);
  await seed(large);
  memoryPer100k = ((await usedMemory(large.redis)) - before) * (100_000 / large.size);
  await settle();
  for (const side of sides) {
    side.dbsize = await side.redis.dbsize();
    await timeBlock(side, WARMUP);
  }
  // Blocks alternate between the sizes, and each round starts with the other one.
  for (let round = 0; round < RUNS / BLOCK; round++) {
    const order = round % 2 === 0 ? [small, large] : [large, small];
    const medians = new Map();
    for (const side of order) {
      const samples = await timeBlock(side, BLOCK);
      side.samples.push(...samples);
      medians.set(side, median(samples));
    }
    blockRatios.push(medians.get(large) / medians.get(small));
  }
} finally {
  for (const side of sides) await clean(side);
}

const fmt = (n) => Math.round(n).toLocaleString("en");
const [small, large] = sides;
const summary = (side) => {
  const sorted = Float64Array.from(side.samples).sort();
  return { median: sorted[sorted.length >> 1] * 1000, p99: sorted[Math.floor(sorted.length * 0.99)] * 1000 };
};
// Paired: each block of the large size against the block of the small size beside it, the median of those.
const ratio = median(blockRatios);
const overall = summary(large).median / summary(small).median;
const sortedRatios = [...blockRatios].sort((a, b) => a - b);
console.log(
  `${RUNS} sequential validateSession calls per size after ${WARMUP} warm-up calls, in alternating blocks of ${BLOCK}`,
);
console.log("");
console.log("| Measure | Value |");
console.log("|---|---|");
console.log(`| bytes per session record (\`MEMORY USAGE\`, principal included) | ${fmt(recordBytes)} B |`);
console.log(`| of which the JSON text | ${fmt(Buffer.byteLength(small.template))} B |`);
console.log(
  `| Redis memory per 100,000 sessions (records + per-user index, \`INFO memory\` delta) | ${(memoryPer100k / 1024 / 1024).toFixed(1)} MiB |`,
);
for (const side of sides) {
  const { median: m, p99 } = summary(side);
  console.log(
    `| validateSession at ${fmt(side.size)} live sessions (database ${side.db}: ${fmt(side.dbsize)} keys) | median ${m.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs |`,
  );
}
console.log(
  `| ${fmt(large.size)} ÷ ${fmt(small.size)}: median of the ${blockRatios.length} paired blocks' ratios (range ${sortedRatios[0].toFixed(2)}× – ${sortedRatios.at(-1).toFixed(2)}×; ${overall.toFixed(3)}× between the medians of all calls) | ${ratio.toFixed(3)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "**not met**"}) |`,
);
