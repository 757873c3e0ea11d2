// The Better Auth contenders of the session benchmark (src/session.mjs), in a process of their own as
// packages/express-middleware/bench/servers.mjs is, so the load generator does not share their event loop.
// Two Express apps, each with Better Auth's memory adapter and email sign-in, one without secondary storage and
// one with Redis as its secondary storage (keys under this run's prefix), and the measured route
// `GET /data` calling `auth.api.getSession`. Sends the parent `{ contenders: [{ name, url, cookie }] }` once
// each answers, and deletes its Redis keys when the parent sends "stop".

import { once } from "node:events";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import express from "express";
import { openRedis } from "../services.mjs";

const PASSWORD = "a long benchmark passphrase";

const redis = await openRedis();
if (redis.unavailable) throw new Error(redis.unavailable);
const { keyPrefix } = redis;
const client = redis.redis;

const secondaryStorage = {
  get: (key) => client.get(`${keyPrefix}${key}`),
  set: (key, value, ttl) =>
    ttl ? client.set(`${keyPrefix}${key}`, value, "EX", ttl) : client.set(`${keyPrefix}${key}`, value),
  delete: (key) => client.del(`${keyPrefix}${key}`),
};

const servers = [];

/** An app with Better Auth mounted and the measured route; resolves its URL and a signed-in session cookie. */
async function betterAuthApp(label, options = {}) {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const auth = betterAuth({
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    emailAndPassword: { enabled: true },
    secret: "gatehouse-bench-better-auth-secret-0123456789",
    baseURL: origin,
    rateLimit: { enabled: false },
    logger: { disabled: true },
    ...options,
  });
  app.all("/api/auth/*splat", toNodeHandler(auth));
  app.get("/data", async (req, res) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (!session) return res.status(401).end();
    res.json({ ok: true, user: session.user.id });
  });
  const email = `admin-${label}@bench.test`;
  await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: "Bench Admin" } });
  const response = await auth.api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
  const line = response.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
  if (!line) throw new Error(`Better Auth (${label}) set no session cookie (status ${response.status})`);
  return { name: `better-auth-${label}`, url: `${origin}/data`, cookie: line.split(";")[0] };
}

const contenders = [await betterAuthApp("memory"), await betterAuthApp("redis", { secondaryStorage })];

process.on("message", async (message) => {
  if (message !== "stop") return;
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await redis.close();
  process.send?.("stopped", () => process.exit(0));
});
process.send?.({ contenders });
