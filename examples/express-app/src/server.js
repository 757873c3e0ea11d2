// The demo's entry point: `pnpm demo` at the repository root builds the packages and runs this file.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createGatehouse, generateSecretKey } from "@gatehousejs/core";
import { createApp } from "./app.js";
import { createOutbox } from "./outbox.js";
import { seedDemo } from "./seed.js";
import { createSmtpMailer } from "./smtp-mailer.js";
import { openStore } from "./store.js";

/** @import { Mailer, RenderedMail } from "@gatehousejs/core" */

const env = process.env;
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? "127.0.0.1";
const publicUrl = (env.PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, "");
const dev = env.NODE_ENV !== "production";
const dataDir = resolve(env.DATA_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".data"));
mkdirSync(dataDir, { recursive: true });

const { store, description, close } = await openStore({
  databaseUrl: env.DATABASE_URL || undefined,
  redisUrl: env.REDIS_URL || undefined,
  dataDir: env.DATABASE_URL ? undefined : join(dataDir, "pglite"),
});

// Mail: a real SMTP server when SMTP_URL is set, else the development outbox. Text messages always go to
// the outbox (the demo has no SMS provider). The tap keeps the last invitation so the seed can print the
// administrator's temporary password.
const outbox = createOutbox({ keepsMail: !env.SMTP_URL });
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
});

const seedFile = join(
  dataDir,
  `seed-${createHash("sha256")
    .update(env.DATABASE_URL ?? "pglite")
    .digest("hex")
    .slice(0, 8)}.json`,
);
const seed = await seedDemo(gatehouse, {
  knownOrganizationId: readJson(seedFile)?.organizationId ?? null,
  temporaryPasswordOf: (email) => {
    const mail = invitations.get(email);
    return mail?.message.kind === "invitation" ? mail.message.temporaryPassword : null;
  },
});
writeFileSync(seedFile, JSON.stringify({ organizationId: seed.organizationId }));

const app = createApp({ gatehouse, outbox, dev, secure: publicUrl.startsWith("https://") });
const server = app.listen(port, host, () => {
  const lines = [
    "",
    `Gatehouse demo on ${publicUrl}  (store: ${description})`,
    seed.created
      ? `First start: organization "Acme" (MFA required) with its administrator.\n  Sign in at ${publicUrl}/login as ${seed.adminEmail} with the temporary password ${seed.temporaryPassword ?? "(see the e-mail)"}\n  You will choose your own password, then enrol an authenticator app.`
      : `Sign in at ${publicUrl}/login as ${seed.adminEmail} with the password you chose (delete ${dataDir} to start over).`,
    dev ? `E-mail and text messages: ${publicUrl}/dev/outbox` : "",
    "",
  ];
  console.log(lines.filter(Boolean).join("\n"));
});

/** @param {string} signal */
const stop = (signal) => {
  console.log(`\n${signal}: stopping.`);
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
process.once("SIGINT", () => stop("SIGINT"));
process.once("SIGTERM", () => stop("SIGTERM"));

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
