// The Redis session scale benchmark (issue 15, item 3): how big is a session that carries its principal, how
// much Redis memory do 100,000 of them take, and does validation stay flat from 10,000 to 1,000,000 live
// sessions?
//
//   node bench/scale.mjs            # 10,000 then 100,000 live sessions
//   node bench/scale.mjs --quick    # the same sizes, fewer timed calls (a CI smoke test)
//   node bench/scale.mjs --full     # 10,000 then 1,000,000 live sessions (about 1.5 GB of Redis memory)
//
// One Gatehouse on a memory durable store and this adapter on REDIS_URL (default redis://127.0.0.1:6379) under
// a key prefix of its own. One real session is issued and validated once (its principal is then carried);
// its record is copied server-side (a Lua script per chunk of 10,000, so Redis is never blocked for long) to
// one session per seeded user, each with its per-user index entry and native TTL, exactly the keys a sign-in
// writes. Validation of the real session is timed (median of many sequential calls) at each size; every
// seeded key is deleted at the end. Plain JavaScript on the built packages.

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
import { Redis } from "ioredis";
import { createRedisStore } from "../dist/index.js";

const quick = process.argv.includes("--quick");
const full = process.argv.includes("--full");
const SIZES = full ? [10_000, 1_000_000] : [10_000, 100_000];
const RUNS = quick ? 2_000 : 20_000;
const WARMUP = quick ? 200 : 2_000;
const CHUNK = 10_000;
const TARGET_RATIO = 1.2;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const keyPrefix = `gh-scale-${randomBytes(4).toString("hex")}:`;

const redis = new Redis(url, { maxRetriesPerRequest: 1 });
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
const user = {
  passwordHash: null,
  temporaryPasswordHash: null,
  temporaryPasswordExpiresAt: null,
  passwordChangeRequired: false,
  totp: null,
  pendingTotpSealed: null,
  mfaPhone: "+441632960962",
  recoveryCodeSealed: null,
  backupCodeHashes: [],
  updatedAt: now,
  id: "usr_scale_bench",
  organizationId: organization.id,
  email: "ada.lovelace@scale.bench.example",
  givenName: "Ada",
  familyName: "Lovelace",
  phone: "+441632960961",
  status: "active",
  roles: ["platform.administrator", "callback.administrator"],
  createdAt: now,
};
await durable.users.createMany([user]);
const tag = organizationTag(organization.id);
const token = `${tag}.${randomBytes(32).toString("base64url")}`;
const DAY = 86_400_000;
await store.sessions.create({
  tokenHash: sessionKey(organization.id, token),
  userId: user.id,
  organizationId: organization.id,
  stage: "authenticated",
  secondFactorVerified: true,
  createdAt: now,
  lastActiveAt: now,
  expiresAt: new Date(now.getTime() + DAY),
  principal: null,
});
const first = await gatehouse.validateSession({ sessionToken: token });
if (first === null) throw new Error("the benchmark session does not validate");
const realKey = `${keyPrefix}session:{${tag}}:${sessionKey(organization.id, token).split(".")[1]}`;
const template = await redis.get(realKey);
if (template === null || !template.includes('"principal":"'))
  throw new Error("the session carries no principal");
const recordBytes = Number(await redis.call("MEMORY", "USAGE", realKey, "SAMPLES", "0"));

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

let seeded = 0;
async function seedTo(count) {
  const started = performance.now();
  for (let from = seeded + 1; from <= count; from += CHUNK) {
    const to = Math.min(from + CHUNK - 1, count);
    await redis.eval(seedScript, 0, keyPrefix, tag, from, to, template, DAY);
  }
  const took = (performance.now() - started) / 1000;
  process.stderr.write(`seeded ${seeded + 1}..${count} in ${took.toFixed(1)} s\n`);
  seeded = count;
}

/** Deletes the seeded sessions above `count`, back down to it. */
async function dropTo(count) {
  for (let from = count + 1; from <= seeded; from += CHUNK) {
    await redis.eval(dropScript, 0, keyPrefix, tag, from, Math.min(from + CHUNK - 1, seeded));
  }
  seeded = count;
}

/** Lets Redis finish the incremental rehash of its key table that a large seeding started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

async function usedMemory() {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function timeValidation() {
  for (let i = 0; i < WARMUP; i++) await gatehouse.validateSession({ sessionToken: token });
  const samples = new Float64Array(RUNS);
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const valid = await gatehouse.validateSession({ sessionToken: token });
    samples[i] = performance.now() - t;
    if (valid === null) throw new Error("the session stopped validating");
  }
  samples.sort();
  return { median: samples[RUNS >> 1] * 1000, p99: samples[Math.floor(RUNS * 0.99)] * 1000 };
}

// Each size is timed on the way up, and the smallest once more after the largest is deleted again: on a shared
// machine the load moves between measurements; the ratio is taken against the faster of the two.
const results = [];
let memoryPer100k = null;
const measure = async (size, label) => {
  await settle();
  const dbsize = await redis.dbsize();
  results.push({ size, label, dbsize, ...(await timeValidation()) });
  process.stderr.write(`${size} live sessions${label}: median ${results.at(-1).median.toFixed(1)} µs\n`);
};
try {
  const before = await usedMemory();
  for (const size of SIZES) {
    await seedTo(size);
    if (memoryPer100k === null && size >= 100_000) {
      memoryPer100k = ((await usedMemory()) - before) * (100_000 / size);
    }
    await measure(size, "");
  }
  await dropTo(SIZES[0]);
  await measure(SIZES[0], ", again after the largest was deleted");
} finally {
  await dropTo(0);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

const fmt = (n) => Math.round(n).toLocaleString("en");
const largest = results.find((r) => r.size === SIZES.at(-1));
const smallest = results.filter((r) => r.size === SIZES[0]);
// Against the faster of the two runs at the smallest size: the conservative ratio.
const ratio = largest.median / Math.min(...smallest.map((r) => r.median));
const firstRatio = largest.median / smallest[0].median;
console.log(`median of ${RUNS} sequential validateSession calls after ${WARMUP} warm-up calls`);
console.log("");
console.log("| Measure | Value |");
console.log("|---|---|");
console.log(`| bytes per session record (\`MEMORY USAGE\`, principal included) | ${fmt(recordBytes)} B |`);
console.log(`| of which the JSON text | ${fmt(Buffer.byteLength(template))} B |`);
console.log(
  `| Redis memory per 100,000 sessions (records + per-user index, \`INFO memory\` delta) | ${(memoryPer100k / 1024 / 1024).toFixed(1)} MiB |`,
);
for (const r of results) {
  console.log(
    `| validateSession at ${fmt(r.size)} live sessions${r.label} (${fmt(r.dbsize)} keys in the database) | median ${r.median.toFixed(1)} µs, p99 ${r.p99.toFixed(1)} µs |`,
  );
}
console.log(
  `| ${fmt(largest.size)} ÷ ${fmt(SIZES[0])} (against the faster ${fmt(SIZES[0])} run; ${firstRatio.toFixed(3)}× against the first) | ${ratio.toFixed(3)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "**not met**"}) |`,
);
