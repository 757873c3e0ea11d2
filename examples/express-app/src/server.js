// The demo's entry point. `pnpm demo` at the repository root runs this file on the packages' TypeScript
// sources (no build) with `--dev`; `node src/server.js` runs it on the built packages.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGatehouse, generateSecretKey } from "@gatehousejs/core";
import { createOidcIdentityProvider } from "@gatehousejs/oidc";
import { createApp } from "./app.js";
import { createDevIdentityProvider } from "./dev-idp.js";
import { isLoopback } from "./loopback.js";
import { createOutbox } from "./outbox.js";
import { seedDemo, seedSsoDemo } from "./seed.js";
import { createSmtpMailer } from "./smtp-mailer.js";
import { openStore } from "./store.js";

/** @import { Mailer, RenderedMail } from "@gatehousejs/core" */

const env = process.env;
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? "127.0.0.1";
const publicUrl = (env.PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, "");
// Development tools (the outbox, the staff console) are opt-in, and only for this machine: they show
// temporary passwords and reset links, and the console changes what no organization role may change.
const dev = process.argv.includes("--dev") || env.GATEHOUSE_DEV === "1";
if (dev && !isLoopback(host)) {
  console.error(
    `Development mode shows every e-mail (temporary passwords, reset links) to this machine only, and HOST=${host} is not a loopback address. Use HOST=127.0.0.1, or run without --dev / GATEHOUSE_DEV.`,
  );
  process.exit(1);
}
const dataDir = resolve(env.DATA_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".data"));
mkdirSync(dataDir, { recursive: true });
const databaseKey = createHash("sha256")
  .update(env.DATABASE_URL || "pglite")
  .digest("hex")
  .slice(0, 8);

const step = (/** @type {string} */ line) => console.log(`· ${line}`);
step(env.DATABASE_URL ? "Connecting to PostgreSQL and migrating…" : "Opening the embedded database…");
const { store, description, close } = await openStore({
  databaseUrl: env.DATABASE_URL || undefined,
  schema: env.GATEHOUSE_SCHEMA || "gatehouse",
  redisUrl: env.REDIS_URL || undefined,
  dataDir: env.DATABASE_URL ? undefined : join(dataDir, "pglite"),
});

// Mail: a real SMTP server when SMTP_URL is set, else the development outbox, kept beside the data so a
// pending invitation survives a restart. Text messages always go to the outbox (the demo has no SMS
// provider). Its console lines start after the banner, which prints the administrator's credentials once.
let quiet = true;
const outbox = createOutbox({
  keepsMail: !env.SMTP_URL,
  file: join(dataDir, `outbox-${databaseKey}.json`),
  log: (line) => quiet || console.log(line),
});
const smtp = env.SMTP_URL ? createSmtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM }) : null;
/** @type {Map<string, RenderedMail>} */
const invitations = new Map();
/** @type {Mailer} */
const mailer = {
  async send(mail) {
    if (mail.message.kind === "invitation") invitations.set(mail.to, mail);
    await (smtp ?? outbox.mailer).send(mail);
  },
};

const gatehouse = createGatehouse({
  store,
  mailer,
  sms: outbox.sms,
  secrets: { current: env.GATEHOUSE_KEY ?? persistentKey(join(dataDir, "secret-key")) },
  links: publicUrl,
  issuer: "Gatehouse demo",
  onDeliveryError: (error, message) =>
    console.error(`[mail] could not send ${message.kind} to ${message.to}:`, error),
  // SSO through openid-client. Plain-HTTP issuers only in development, for the made-up provider below.
  sso: { identityProvider: createOidcIdentityProvider({ allowInsecureRequests: dev }) },
});
const callbackUrl = `${publicUrl}/auth/sso/callback`;
// DEVELOPMENT ONLY: a made-up identity provider at /dev/idp, so the demo shows an SSO organization end to end.
const devIdentityProvider = dev ? createDevIdentityProvider({ publicUrl, callbackUrl }) : null;

const seedFile = join(dataDir, `seed-${databaseKey}.json`);
step("Preparing the organization…");
/** @param {string} email */
const temporaryPasswordOf = (email) => {
  const mail = invitations.get(email) ?? outbox.lastMailTo(email, "invitation");
  return mail?.message.kind === "invitation" ? mail.message.temporaryPassword : null;
};
const seeded = readJson(seedFile);
const seed = await seedDemo(gatehouse, {
  knownOrganizationId: seeded?.organizationId ?? null,
  temporaryPasswordOf,
});
// Initech signs in through the development identity provider: seeded in development mode only.
const ssoSeed = devIdentityProvider
  ? await seedSsoDemo(gatehouse, {
      idp: devIdentityProvider,
      knownOrganizationId: seeded?.ssoOrganizationId ?? null,
      temporaryPasswordOf,
    })
  : null;
writeFileSync(
  seedFile,
  JSON.stringify({
    organizationId: seed.organizationId,
    ssoOrganizationId: ssoSeed?.organizationId ?? seeded?.ssoOrganizationId ?? null,
  }),
);

// The staff console's key: platform staff are not members of an organization, so no member session may
// open it; whoever started the server follows the link printed below.
const staffKey = dev ? randomBytes(18).toString("base64url") : null;
const app = createApp({
  gatehouse,
  outbox,
  dev,
  staffKey,
  secure: publicUrl.startsWith("https://"),
  sso: { callbackUrl },
  devIdentityProvider,
});
const server = createServer(app);

server.once("error", async (/** @type {NodeJS.ErrnoException} */ error) => {
  console.error(
    error.code === "EADDRINUSE"
      ? `Port ${port} on ${host} is taken by another program: stop it, or start the demo with PORT=${port + 1}.`
      : `Cannot listen on ${host}:${port}: ${error.message}`,
  );
  await close();
  process.exit(1);
});

server.listen(port, host, async () => {
  const pending = seed.temporaryPassword ?? (await stillInvited(seed.adminEmail));
  const emergency = ssoSeed
    ? (ssoSeed.temporaryPassword ?? (await stillInvited(ssoSeed.emergencyEmail)))
    : null;
  const lines = [
    "",
    `Gatehouse demo on ${publicUrl}  (store: ${description})`,
    seed.created ? `First start: organization "Acme" (MFA required) with its administrator.` : "",
    pending
      ? `  Sign in at ${publicUrl}/login\n    e-mail:             ${seed.adminEmail}\n    temporary password: ${pending}\n  You will choose your own password, then enrol an authenticator app.`
      : `Sign in at ${publicUrl}/login as ${seed.adminEmail} with the password you chose (delete ${dataDir} to start over).`,
    ssoSeed
      ? `SSO organization "Initech" (initech.test): "Sign in with SSO" on ${publicUrl}/login with ann@initech.test takes you to the development identity provider (${publicUrl}/dev/idp, development only).` +
        (emergency
          ? `\n  Its emergency administrator keeps a password: ${ssoSeed.emergencyEmail}, temporary password: ${emergency}`
          : "")
      : "",
    dev
      ? `Development mode: e-mail and text messages at ${publicUrl}/dev/outbox (signed in); staff console: ${publicUrl}/dev/staff?key=${staffKey}`
      : "",
    "Ctrl-C stops it.",
    "",
  ];
  console.log(lines.filter(Boolean).join("\n"));
  quiet = false;
});

/**
 * The temporary password of an administrator who has not signed in yet, from the outbox kept beside the data.
 * @param {string} email
 * @returns {Promise<string | null>}
 */
async function stillInvited(email) {
  const found = await store.users.findByEmail(email);
  return found?.status === "invited" ? temporaryPasswordOf(email) : null;
}

let stopping = false;
const stop = () => {
  // A second Ctrl-C while PGlite is still writing ends the process at once.
  if (stopping) process.exit(130);
  stopping = true;
  server.close();
  server.closeAllConnections();
  // PGlite writes its files on close: let it finish before the process ends.
  close().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/**
 * The AES key sealing TOTP secrets and recovery codes: generated on first start and kept beside the data,
 * since data sealed with a lost key cannot be opened again. Production passes GATEHOUSE_KEY instead.
 * @param {string} file
 * @returns {string}
 */
function persistentKey(file) {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const key = generateSecretKey("k1");
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}
