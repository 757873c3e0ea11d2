// One attacking process: its own Gatehouse instance on the shared store, firing wrong passwords at one account
// in parallel once the parent says "go", then printing how many passwords its hasher verified.
// Runs on the built packages (dist), as a separate app instance would.

import { createPostgresStore } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import { createArgon2Hasher, createGatehouse, createMemoryMailer } from "@gatehousejs/core";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";

const config = JSON.parse(process.argv[2] ?? "{}");
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
pool.on("error", () => {});
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const redis = config.redisKeyPrefix ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
const durable = createPostgresStore({ db, schema: config.schema });
const store = redis
  ? { ...durable, ...createRedisStore({ redis, keyPrefix: config.redisKeyPrefix }) }
  : durable;

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

process.stdout.write("ready\n");
process.stdin.once("data", async () => {
  const codes = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: config.attempts }, async (_, i) => {
      try {
        await gatehouse.login({ email: config.email, password: `wrong guess ${process.pid} ${i}` });
        codes.OK = (codes.OK ?? 0) + 1;
      } catch (error) {
        const code = error?.code ?? "RAW";
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ verifications, codes, elapsedMs })}\n`);
  await db.destroy();
  redis?.disconnect();
});
