// The servers of bench/session.mjs, in a process of their own so that the load generator does not share
// their event loop. Started with fork(): it sends the parent its contenders (name, port, cookie) once they
// answer, and cleans up (its schema, its Redis keys) when the parent sends "stop".
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import {
  createArgon2Hasher,
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
} from "@gatehousejs/core";
import RedisStore from "connect-redis";
import express from "express";
import session from "express-session";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { gatehouseErrorHandler, gatehouseMiddleware, requirePermission } from "../dist/index.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = randomBytes(4).toString("hex");
const keyPrefix = `gh-bench-${run}:`;
const sessionPrefix = `gh-bench-sess-${run}:`;
const schema = `gh_bench_${run}`;
const IDLE_MS = 15 * 60_000;

/** The durable store: the PostgreSQL server when it answers (and --pglite is not given), else PGlite. */
async function openDurable() {
  if (!process.argv.includes("--pglite")) {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, connectionTimeoutMillis: 3000 });
    pool.on("error", () => undefined);
    try {
      (await pool.connect()).release();
      return { kind: "PostgreSQL", db: new Kysely({ dialect: new PostgresDialect({ pool }) }) };
    } catch {
      await pool.end().catch(() => undefined);
    }
  }
  const { PGlite } = await import("@electric-sql/pglite");
  return { kind: "PGlite", db: new Kysely({ dialect: createPGliteDialect(await PGlite.create()) }) };
}

/** Starts an app on a free loopback port. */
async function listen(app) {
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: server.address().port };
}

/** The first cookie a response sets, as a `name=value` pair for a Cookie header. */
function cookieOf(response) {
  const line = response.headers.getSetCookie()[0];
  if (!line) throw new Error(`no cookie set (status ${response.status})`);
  return line.split(";")[0];
}

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const durable = await openDurable();
await migrateToLatest(durable.db, { schema });

// Gatehouse: durable data in PostgreSQL (or PGlite), sessions in Redis: the composed store of the design.
/** A service on a store, with one signed-in administrator; resolves the app and the session token. */
async function gatehouseOn(store, label, options = {}) {
  const gatehouse = createGatehouse({
    ...options,
    store,
    mailer,
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    secrets: { current: generateSecretKey("k1") },
  });
  const system = { kind: "system", name: "bench" };
  const organization = await gatehouse.createOrganization(system, { name: "Bench", preset: "enterprise" });
  const email = `admin-${label}-${run}@bench.test`;
  await gatehouse.inviteUsers(system, {
    organizationId: organization.id,
    emails: email,
    roles: ["platform.administrator"],
  });
  const temporary = mailer.lastTo(email, "invitation").message.temporaryPassword;
  const first = await gatehouse.login({ email, password: temporary });
  const { token } = await gatehouse.changePassword({
    sessionToken: first.token,
    newPassword: "a long benchmark passphrase",
  });
  const app = express();
  app.use(gatehouseMiddleware(gatehouse, { secure: false }));
  app.get("/data", requirePermission("platform.user-management", "view"), (req, res) => {
    res.json({ ok: true, user: req.auth.user.id });
  });
  app.use(gatehouseErrorHandler());
  return { app, cookie: `gatehouse_session=${token}` };
}

const mailer = createMemoryMailer();
const composed = await gatehouseOn(
  { ...createPostgresStore({ db: durable.db, schema }), ...createRedisStore({ redis, keyPrefix }) },
  "composed",
);

// (a) A bare Express route: the ceiling.
const bareApp = express();
bareApp.get("/data", (_req, res) => {
  res.json({ ok: true, user: "usr_bench" });
});

// (a′) The bare route plus one Redis `GET` per request (the cookie names the key): a check against shared
// session state (revocation at once on every instance) that sends one command per request.
const floorId = randomBytes(16).toString("hex");
await redis.set(`${sessionPrefix}floor:${floorId}`, JSON.stringify({ userId: "usr_bench" }), "PX", IDLE_MS);
const floorApp = express();
floorApp.get("/data", async (req, res) => {
  const id = /(?:^|;\s*)floor=([0-9a-f]{32})(?:;|$)/.exec(req.headers.cookie ?? "")?.[1];
  const stored = id ? await redis.get(`${sessionPrefix}floor:${id}`) : null;
  if (stored === null) return res.status(401).end();
  res.json({ ok: true, user: JSON.parse(stored).userId });
});

// (b) express-session + connect-redis on the same Redis, with a sliding idle timeout (`rolling`) as Gatehouse
// has, and the same check: a signed-in user holding a role.
function sessionApp(rolling) {
  const app = express();
  app.use(
    session({
      store: new RedisStore({ client: redis, prefix: sessionPrefix }),
      secret: randomBytes(32).toString("hex"),
      name: "sid",
      resave: false,
      saveUninitialized: false,
      rolling,
      cookie: { httpOnly: true, secure: false, sameSite: "lax", maxAge: IDLE_MS },
    }),
  );
  app.post("/login", (req, res) => {
    req.session.userId = "usr_bench";
    req.session.roles = ["platform.administrator"];
    res.status(204).end();
  });
  app.get("/data", (req, res) => {
    if (!req.session.userId) return res.status(401).end();
    if (!req.session.roles.includes("platform.administrator")) return res.status(403).end();
    res.json({ ok: true, user: req.session.userId });
  });
  return app;
}

const servers = [];
const contenders = [];
async function add(name, app, cookie) {
  const { server, port } = await listen(app);
  servers.push(server);
  const url = `http://127.0.0.1:${port}/data`;
  const answer = await fetch(url, { headers: cookie ? { cookie: await cookie(port) } : {} });
  if (answer.status !== 200) throw new Error(`${name}: GET /data answered ${answer.status}`);
  contenders.push({ name, url, cookie: cookie ? await cookie(port) : null });
}
const sessionCookie = async (port) =>
  cookieOf(await fetch(`http://127.0.0.1:${port}/login`, { method: "POST" }));
let expressSessionCookie = null;
let rollingCookie = null;

await add("bare", bareApp, null);
await add("bare-redis", floorApp, async () => `floor=${floorId}`);
await add("express-session", sessionApp(true), async (port) => {
  rollingCookie ??= await sessionCookie(port);
  return rollingCookie;
});
await add("express-session-fixed", sessionApp(false), async (port) => {
  expressSessionCookie ??= await sessionCookie(port);
  return expressSessionCookie;
});
await add("gatehouse", composed.app, async () => composed.cookie);
if (process.argv.includes("--diagnose")) {
  // Where the time goes: the same middleware with the durable reads in memory (sessions still in Redis), and
  // with everything in memory (the middleware's own cost).
  const redisOnly = await gatehouseOn(
    { ...createMemoryStore(), ...createRedisStore({ redis, keyPrefix }) },
    "redis",
  );
  await add("gatehouse-memory-durable", redisOnly.app, async () => redisOnly.cookie);
  const memory = await gatehouseOn(createMemoryStore(), "memory");
  await add("gatehouse-memory", memory.app, async () => memory.cookie);
}

async function cleanUp() {
  for (const server of servers) server.close();
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(durable.db);
  await durable.db.destroy();
  for (const prefix of [keyPrefix, sessionPrefix]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  }
  redis.disconnect();
}

process.on("message", async (message) => {
  if (message !== "stop") return;
  await cleanUp();
  process.send?.("stopped", () => process.exit(0));
});
process.send?.({ durable: durable.kind, contenders });
