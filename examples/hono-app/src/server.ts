// The demo's entry point: `pnpm demo:hono` at the repository root runs it on the packages' TypeScript sources
// (no build); `node src/server.ts` here runs it on the built packages. A memory store: every start is new.
import { createGatehouse, createMemoryMailer, createMemoryStore, generateSecretKey } from "@gatehousejs/core";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "./app.ts";
import { seedDemo } from "./seed.ts";

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? "127.0.0.1";
const mailer = createMemoryMailer();
const gatehouse = createGatehouse({
  store: createMemoryStore(),
  mailer,
  secrets: { current: generateSecretKey("demo") },
  links: `http://${host}:${port}`,
});
const accounts = await seedDemo(gatehouse, mailer);

const app = createApp({
  gatehouse,
  clientAddress: (c) => getConnInfo(c).remote.address,
  // Plain HTTP on this machine: a Secure cookie would never come back.
  secureCookies: false,
});

const server = serve({ fetch: app.fetch, port, hostname: host }, () => {
  const base = `http://${host}:${port}`;
  console.log(`Gatehouse on Hono at ${base}`);
  console.log(`  API reference (the OpenAPI document as a table): ${base}/`);
  console.log(`  The document itself:                            ${base}/api/auth/openapi.json`);
  console.log(`  Administrator: ${accounts.admin.email} / ${accounts.admin.password}`);
  console.log(`  Teammate (may not view users): ${accounts.teammate.email} / ${accounts.teammate.password}`);
  console.log("Try it:");
  console.log(
    `  curl -c jar -H 'content-type: application/json' -d '{"email":"${accounts.admin.email}","password":"${accounts.admin.password}"}' ${base}/api/auth/login`,
  );
  console.log(`  curl -b jar ${base}/api/team`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
