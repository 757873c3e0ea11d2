// The cost of the HTTP layer (issue 13, item 9): contenders of the session benchmark (src/session.mjs) that
// all check the same thing on the same service, store and session, in one process of their own (forked, as
// packages/express-middleware/bench/servers.mjs is), so that they differ only in what stands between the socket
// and `gatehouse.validateSession`:
//   - express-direct: an Express route that reads the cookie and calls `validateSession` itself, checks the
//     stage and the permission with core's `can`, and sends the cookie again when the deadline slid: the same
//     check with no HTTP layer (what a host would write by hand);
//   - express-binding: `gatehouseMiddleware` + `requirePermission` of @gatehousejs/express-middleware (the
//     Express request converted to a Fetch Request, `handler.authenticate`, the guard on `req.auth`);
//   - fastify-binding: `gatehousePlugin` + `requirePermission` as a preHandler, @gatehousejs/fastify;
//   - node-direct: node:http calling `validateSession` itself, as express-direct does;
//   - fetch-handler: node:http → Fetch Request (the http README's binding), `handler.authenticate`,
//     `assertPermission`, a Fetch Response written back.
// Every measured route is `GET /data`, answering 200 `{ ok: true, user }` with the session cookie and 401 without.
// Sends the parent `{ durable, contenders: [{ name, url, cookie }] }`, and cleans up when it sends "stop".

import { once } from "node:events";
import { createServer } from "node:http";
import {
  can,
  createArgon2Hasher,
  createGatehouse,
  createMemoryMailer,
  generateSecretKey,
} from "@gatehousejs/core";
import {
  requirePermission as expressPermission,
  gatehouseErrorHandler,
  gatehouseMiddleware,
} from "@gatehousejs/express-middleware";
import { requirePermission as fastifyPermission, gatehousePlugin } from "@gatehousejs/fastify";
import { assertPermission, createGatehouseHandler, getAuth } from "@gatehousejs/http";
import express from "express";
import Fastify from "fastify";
import { openPostgres, openRedis } from "../services.mjs";

const COOKIE = "gatehouse_session";
const PAGE = "platform.user-management";
const ACTION = "view";

const postgres = await openPostgres();
if (postgres.unavailable) throw new Error(postgres.unavailable);
const redis = await openRedis();
if (redis.unavailable) throw new Error(redis.unavailable);

// One service on the composed store (users in PostgreSQL, sessions in Redis) and one signed-in administrator:
// every contender validates the same session.
const mailer = createMemoryMailer();
const gatehouse = createGatehouse({
  store: { ...postgres.store, ...redis.store },
  mailer,
  hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  secrets: { current: generateSecretKey("k1") },
});
const system = { kind: "system", name: "bench" };
const organization = await gatehouse.createOrganization(system, { name: "Bench", preset: "enterprise" });
const email = `admin-http-layer-${process.pid}@bench.test`;
await gatehouse.inviteUsers(system, {
  organizationId: organization.id,
  emails: email,
  roles: ["platform.administrator"],
});
const invitation = mailer.lastTo(email, "invitation").message;
const first = await gatehouse.login({ email, password: invitation.temporaryPassword });
const { token } = await gatehouse.changePassword({
  sessionToken: first.token,
  newPassword: "a long benchmark passphrase",
});
const cookie = `${COOKIE}=${token}`;

/** The session cookie's value in a Cookie header, or null (what a hand-written integration would do). */
function cookieValue(header) {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The check with no HTTP layer: 401 without a live session, 403 at a pending stage or without the permission,
 * else the answer, with the cookie again when the idle deadline slid. Resolves `[status, body, setCookie]`.
 */
async function directCheck(cookieHeader) {
  const sessionToken = cookieValue(cookieHeader);
  const valid = sessionToken ? await gatehouse.validateSession({ sessionToken }) : null;
  if (valid === null) return [401, { code: "UNAUTHENTICATED" }, null];
  if (valid.session.stage !== "authenticated" || !can(valid.grants, PAGE, ACTION)) {
    return [403, { code: "FORBIDDEN" }, null];
  }
  const maxAge = Math.floor((valid.session.expiresAt.getTime() - Date.now()) / 1000);
  const refresh = valid.refreshed
    ? `${COOKIE}=${sessionToken}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax`
    : null;
  return [200, { ok: true, user: valid.user.id }, refresh];
}

// express-direct
const expressDirect = express();
expressDirect.get("/data", async (req, res, next) => {
  try {
    const [status, body, refresh] = await directCheck(req.headers.cookie);
    if (refresh) res.setHeader("Set-Cookie", refresh);
    res.status(status).json(body);
  } catch (error) {
    next(error);
  }
});

// express-binding
const expressBinding = express();
expressBinding.use(gatehouseMiddleware(gatehouse, { secure: false }));
expressBinding.get("/data", expressPermission(PAGE, ACTION), (req, res) => {
  res.json({ ok: true, user: req.auth.user.id });
});
expressBinding.use(gatehouseErrorHandler());

// fastify-binding
const fastifyBinding = Fastify();
await fastifyBinding.register(gatehousePlugin, { gatehouse, cookie: { secure: false } });
fastifyBinding.get("/data", { preHandler: fastifyPermission(PAGE, ACTION) }, async (request) => ({
  ok: true,
  user: request.auth.user.id,
}));

// node-direct
const nodeDirect = createServer(async (req, res) => {
  try {
    const [status, body, refresh] = await directCheck(req.headers.cookie);
    const headers = { "content-type": "application/json; charset=utf-8" };
    if (refresh) headers["set-cookie"] = refresh;
    res.writeHead(status, headers).end(JSON.stringify(body));
  } catch {
    res.writeHead(500).end();
  }
});

// fetch-handler: the http README's node:http binding, with a host route behind `assertPermission`.
const handler = createGatehouseHandler(gatehouse, { basePath: "/auth", cookie: { secure: false } });
function toRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, item);
    }
  }
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
  });
}
async function send(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}
const fetchHandler = createServer(async (req, res) => {
  const request = toRequest(req);
  let response;
  try {
    const { setCookies } = await handler.authenticate(request);
    const { user } = assertPermission(getAuth(request), PAGE, ACTION);
    response = Response.json({ ok: true, user: user.id });
    for (const line of setCookies) response.headers.append("Set-Cookie", line);
  } catch (error) {
    response = handler.problem(error, request);
  }
  await send(res, response);
});

const servers = [];
const contenders = [];
async function add(name, listen) {
  const port = await listen();
  const url = `http://127.0.0.1:${port}/data`;
  const answer = await fetch(url, { headers: { cookie } });
  if (answer.status !== 200) throw new Error(`${name}: GET /data answered ${answer.status}`);
  await answer.arrayBuffer();
  contenders.push({ name, url, cookie });
}
const listenNode = (server) => async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(() => server.close());
  return server.address().port;
};
await add("express-direct", listenNode(createServer(expressDirect)));
await add("express-binding", listenNode(createServer(expressBinding)));
await add("fastify-binding", async () => {
  await fastifyBinding.listen({ port: 0, host: "127.0.0.1" });
  servers.push(() => fastifyBinding.close());
  return fastifyBinding.server.address().port;
});
await add("node-direct", listenNode(nodeDirect));
await add("fetch-handler", listenNode(fetchHandler));

process.on("message", async (message) => {
  if (message !== "stop") return;
  for (const close of servers) await close();
  await postgres.close();
  await redis.close();
  process.send?.("stopped", () => process.exit(0));
});
process.send?.({ durable: "PostgreSQL", contenders });
