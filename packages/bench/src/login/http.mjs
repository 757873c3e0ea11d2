// Sign-in over HTTP: Gatehouse's login route (`gatehouseRouter` of @gatehousejs/express-middleware, memory store)
// beside Better Auth's email sign-in (its memory adapter, default password hashing), both mounted on one
// Express app on loopback and called with `fetch` as a browser page of the same origin would, plus each
// one's password hash alone for reference.

import { once } from "node:events";
import { createMemoryStore } from "@gatehousejs/core";
import { gatehouseRouter } from "@gatehousejs/express-middleware";
import { verify } from "@node-rs/argon2";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { verifyPassword as betterAuthVerifyPassword } from "better-auth/crypto";
import { toNodeHandler } from "better-auth/node";
import express from "express";
import { BENCH_PASSWORD, createBenchGatehouse, onboardUsers } from "../gatehouse-fixture.mjs";

const WRONG = "a wrong password";

/**
 * Starts the server and returns the contenders, each with `call()` (one right sign-in, checked) and
 * `wrongPassword()` (on a user nobody times), except the floor (an empty route: `floor: true`), and `close()`.
 */
export async function startSignInServers({ bareHash }) {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${server.address().port}`;

  const fixture = createBenchGatehouse({ store: createMemoryStore() });
  const { emails } = await onboardUsers(fixture, { domain: "http.bench.test", count: 2 });
  // No `secure` cookie on plain-HTTP loopback; everything else is the router's defaults (CSRF checks on).
  // Its per-client throttles off, as Better Auth's rate limiter below: a run signs in more than a sign-in
  // throttle's 50 per 15 minutes from one address, and a 429 would not time a login.
  app.use("/gatehouse", gatehouseRouter(fixture.gatehouse, { secure: false, throttles: false }));

  // Better Auth with its defaults but for what it cannot guess: the database, the secret, the base URL, and
  // the rate limiter pinned off (its default is off outside NODE_ENV=production).
  const db = { user: [], session: [], account: [], verification: [] };
  const auth = betterAuth({
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true },
    secret: "gatehouse-bench-better-auth-secret-0123456789",
    baseURL: origin,
    rateLimit: { enabled: false },
    logger: { disabled: true },
  });
  for (const email of emails) {
    await auth.api.signUpEmail({ body: { email, password: BENCH_PASSWORD, name: email.split("@")[0] } });
  }
  app.all("/api/auth/*splat", toNodeHandler(auth));
  // The floor under both routes: the same request to a route that parses the body and answers at once.
  app.post("/floor", express.json(), (req, res) => {
    res.json({ email: req.body.email });
  });
  const betterAuthHash = db.account.find((a) => a.providerId === "credential")?.password;
  if (!betterAuthHash) throw new Error("Better Auth stored no credential account");

  const post = async (path, email, password) => {
    const response = await fetch(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password }),
    });
    const body = await response.json().catch(() => null);
    return { status: response.status, cookies: response.headers.getSetCookie(), body };
  };
  const [timedEmail, probeEmail] = emails;

  const contenders = [
    {
      id: "http-gatehouse",
      name: "Gatehouse `POST /login` (`gatehouseRouter`, memory store)",
      async call() {
        const answer = await post("/gatehouse/login", timedEmail, BENCH_PASSWORD);
        const cookie = answer.cookies.some((c) => c.startsWith("gatehouse_session="));
        if (answer.status !== 200 || answer.body?.stage !== "authenticated" || !cookie) {
          throw new Error(`Gatehouse's login route answered ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      },
      wrongPassword: async () => (await post("/gatehouse/login", probeEmail, WRONG)).status,
    },
    {
      id: "http-better-auth",
      name: "Better Auth `POST /sign-in/email` (memory adapter)",
      async call() {
        const answer = await post("/api/auth/sign-in/email", timedEmail, BENCH_PASSWORD);
        const cookie = answer.cookies.some((c) => c.startsWith("better-auth.session_token="));
        if (answer.status !== 200 || answer.body?.user?.email !== timedEmail || !cookie) {
          throw new Error(`Better Auth's sign-in answered ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      },
      wrongPassword: async () => (await post("/api/auth/sign-in/email", probeEmail, WRONG)).status,
    },
    {
      id: "http-floor",
      name: "floor: the same POST to an Express route that parses the JSON and answers",
      floor: true,
      async call() {
        const answer = await post("/floor", timedEmail, BENCH_PASSWORD);
        if (answer.status !== 200 || answer.body?.email !== timedEmail) {
          throw new Error(`the floor route answered ${answer.status}`);
        }
      },
    },
    {
      id: "hash-argon2",
      name: "its hash alone: argon2id verify (m=19456, t=2, p=1)",
      async call() {
        if (!(await verify(bareHash, BENCH_PASSWORD))) throw new Error("the argon2id verify answered false");
      },
      wrongPassword: async () => ((await verify(bareHash, WRONG)) ? 200 : 401),
    },
    {
      id: "hash-scrypt",
      name: "its hash alone: Better Auth's `verifyPassword` (scrypt N=16384, r=16, p=1)",
      async call() {
        if (!(await betterAuthVerifyPassword({ hash: betterAuthHash, password: BENCH_PASSWORD }))) {
          throw new Error("Better Auth's verifyPassword answered false");
        }
      },
      wrongPassword: async () =>
        (await betterAuthVerifyPassword({ hash: betterAuthHash, password: WRONG })) ? 200 : 401,
    },
  ];

  return {
    contenders,
    betterAuthHash,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/**
 * Throws unless every contender lets the right password in and turns a wrong one away (401): both sides
 * must answer the same before either is timed.
 */
export async function checkSignInAgreement(contenders) {
  const disagreements = [];
  for (const contender of contenders) {
    try {
      await contender.call();
    } catch (error) {
      disagreements.push(`${contender.name}: the right password: ${error.message}`);
    }
    if (contender.floor) continue;
    const status = await contender.wrongPassword();
    if (status !== 401) disagreements.push(`${contender.name}: a wrong password answered ${status}, not 401`);
  }
  if (disagreements.length > 0)
    throw new Error(`sign-in contenders disagree:\n  ${disagreements.join("\n  ")}`);
}
