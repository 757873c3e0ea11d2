// One attacking process of the brute-force benchmark: its own Gatehouse on the shared store (Postgres, with or
// without Redis), as a separate app instance would be, on the built packages (dist). It warms up, prints
// "ready", then for each line `{"email", "attempts"}` on stdin fires that many wrong passwords at the account
// all at once and prints one JSON line: the passwords its hasher verified, the answers by error code, and
// when (ms after the line arrived) the first ACCOUNT_LOCKED answer and the last answer came.
// Adapted from packages/adapter-redis/test/brute-force/attacker.mjs.

import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { createPostgresStore } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import { createArgon2Hasher, createGatehouse, createMemoryMailer } from "@gatehousejs/core";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";

const POOL_SIZE = 10;
const config = JSON.parse(process.argv[2] ?? "{}");
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: POOL_SIZE });
pool.on("error", () => {});
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const redis = config.redisKeyPrefix ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
redis?.on("error", () => {});
const durable = createPostgresStore({ db, schema: config.schema });
const store = redis
  ? { ...durable, ...createRedisStore({ redis, keyPrefix: config.redisKeyPrefix }) }
  : durable;

// The default cost (argon2id m=19456, t=2, p=1), counting every password it checks, dummy ones included.
const inner = createArgon2Hasher();
let verifications = 0;
const hasher = {
  hash: (password) => inner.hash(password),
  verify: (hash, password) => {
    verifications++;
    return inner.verify(hash, password);
  },
  verifyDummy: (password) => {
    verifications++;
    return inner.verifyDummy(password);
  },
};
const gatehouse = createGatehouse({
  store,
  hasher,
  mailer: createMemoryMailer(),
  secrets: { current: config.secret },
});

async function attack({ email, attempts }) {
  verifications = 0;
  const codes = {};
  let firstLockedMs = null;
  let lastAnswerMs = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: attempts }, async (_, i) => {
      let code;
      try {
        await gatehouse.login({ email, password: `wrong guess ${process.pid} ${i}` });
        code = "OK";
      } catch (error) {
        code = error?.code ?? "RAW";
      }
      const at = performance.now() - started;
      codes[code] = (codes[code] ?? 0) + 1;
      if (code === "ACCOUNT_LOCKED" && (firstLockedMs === null || at < firstLockedMs)) firstLockedMs = at;
      lastAnswerMs = Math.max(lastAnswerMs, at);
    }),
  );
  return { verifications, codes, firstLockedMs, lastAnswerMs };
}

// A running app has its pool open and its code warm: one wrong sign-in on an address of its own (an unknown
// one, which also computes the dummy hash) and a full pool before the first attack.
await Promise.all(Array.from({ length: POOL_SIZE }, () => sql`select 1`.execute(db)));
await gatehouse
  .login({ email: `warmup-${process.pid}@bench.test`, password: "warm-up guess" })
  .catch(() => {});
process.stdout.write("ready\n");

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "") continue;
  process.stdout.write(`${JSON.stringify(await attack(JSON.parse(line)))}\n`);
}
await db.destroy();
redis?.disconnect();
