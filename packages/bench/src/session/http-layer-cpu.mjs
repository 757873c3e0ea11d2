// The HTTP layer's own CPU time per request, in one process and without a socket (issue 13, item 9): what the
// session benchmark's http-layer rows measure through the network, where the store's round trips and a loaded
// machine's noise hide a few microseconds. On the memory store (the service's own cost is then smallest, so the
// layer's share is largest), per request:
//   - direct: read the cookie from the header, `validateSession`, the stage and `can`;
//   - layer: build the Fetch `Request` from Node-style headers (what a Fetch-handler host on node:http does per
//     request), `handler.authenticate`, `getAuth`, `assertPermission`;
//   - express: `gatehouseMiddleware` + `requirePermission` on an Express-like request (the binding reads the
//     session from a light head and builds no `Request` for a host's own route);
//   - conversion only: the Request built from the headers, nothing else.
// What this cannot show is the collector's part: objects a request keeps alive past a scavenge are promoted and
// cost a mark-compact later (an object literal with a getter per request did that to the Express binding,
// ~10 MB per scavenge); the session benchmark's paired rounds and its server CPU per request see that.
// Alternating batches, the median of their µs per request.
//   node src/session/http-layer-cpu.mjs [--quick]

import { performance } from "node:perf_hooks";
import {
  can,
  createArgon2Hasher,
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
} from "@gatehousejs/core";
import { gatehouseMiddleware, requirePermission } from "@gatehousejs/express-middleware";
import { assertPermission, createGatehouseHandler, getAuth } from "@gatehousejs/http";
import { openRedis } from "../services.mjs";

const quick = process.argv.includes("--quick");
// `--redis`: sessions in Redis (under a fresh key prefix), the rest in memory: the round trip is then in the
// numbers too, which are no longer the CPU alone.
const redis = process.argv.includes("--redis") ? await openRedis() : null;
if (redis?.unavailable) throw new Error(redis.unavailable);
const BATCH = quick ? 500 : 5000;
const BATCHES = quick ? 4 : 15;
const PAGE = "platform.user-management";
const ACTION = "view";

const mailer = createMemoryMailer();
const gatehouse = createGatehouse({
  store: redis ? { ...createMemoryStore(), ...redis.store } : createMemoryStore(),
  mailer,
  hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  secrets: { current: generateSecretKey("k1") },
});
const system = { kind: "system", name: "bench" };
const organization = await gatehouse.createOrganization(system, { name: "Bench", preset: "enterprise" });
const email = "admin@bench.test";
await gatehouse.inviteUsers(system, {
  organizationId: organization.id,
  emails: email,
  roles: ["platform.administrator"],
});
const first = await gatehouse.login({
  email,
  password: mailer.lastTo(email, "invitation").message.temporaryPassword,
});
const { token } = await gatehouse.changePassword({
  sessionToken: first.token,
  newPassword: "a long benchmark passphrase",
});
const handler = createGatehouseHandler(gatehouse, { cookie: { secure: false } });

// The headers of a browser's GET, as Node hands them to Express.
const nodeHeaders = {
  host: "127.0.0.1:3000",
  connection: "keep-alive",
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  accept: "application/json",
  "accept-encoding": "gzip, deflate, br",
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-site": "same-origin",
  "sec-fetch-mode": "cors",
  cookie: `theme=dark; gatehouse_session=${token}`,
};

function toRequest(headersIn) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(headersIn)) headers.set(name, value);
  return new Request(`http://${headersIn.host}/data`, { method: "GET", headers });
}

function cookieValue(header) {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === "gatehouse_session") return part.slice(eq + 1).trim();
  }
  return null;
}

// The Express binding in one process: the middleware and `requirePermission` on an Express-like request
// (what Express hands them; no router, no socket).
const middleware = gatehouseMiddleware(gatehouse, { secure: false });
const guard = requirePermission(PAGE, ACTION);
const app = { enabled: () => false };
const response = { getHeader: () => undefined, setHeader: () => {} };
function expressRequest() {
  return { method: "GET", headers: nodeHeaders, protocol: "http", originalUrl: "/data", url: "/data", app };
}
const pass = (error) => {
  if (error) throw error;
};

const variants = {
  direct: async () => {
    const valid = await gatehouse.validateSession({ sessionToken: cookieValue(nodeHeaders.cookie) });
    if (valid === null || valid.session.stage !== "authenticated" || !can(valid.grants, PAGE, ACTION)) {
      throw new Error("refused");
    }
  },
  layer: async () => {
    const request = toRequest(nodeHeaders);
    await handler.authenticate(request);
    assertPermission(getAuth(request), PAGE, ACTION);
  },
  express: async () => {
    const req = expressRequest();
    await new Promise((resolve, reject) =>
      middleware(req, response, (error) => (error ? reject(error) : resolve())),
    );
    guard(req, response, pass);
  },
  conversion: async () => {
    toRequest(nodeHeaders);
  },
};

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let b = 0; b < BATCHES + 1; b++) {
  for (const [name, run] of Object.entries(variants)) {
    const started = performance.now();
    for (let i = 0; i < BATCH; i++) await run();
    const perRequest = ((performance.now() - started) * 1000) / BATCH;
    if (b > 0) samples[name].push(perRequest); // batch 0 warms up
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const result = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
console.log(
  `${redis ? "sessions in Redis" : "memory store"}, ${BATCHES} batches of ${BATCH}, median µs per request: direct ${result.direct.toFixed(1)}, ` +
    `through the layer ${result.layer.toFixed(1)} (the Request conversion alone ${result.conversion.toFixed(1)}), ` +
    `Express middleware + requirePermission ${result.express.toFixed(1)}; ` +
    `the layer adds ${(result.layer - result.direct).toFixed(1)} µs per request`,
);
await redis?.close();
