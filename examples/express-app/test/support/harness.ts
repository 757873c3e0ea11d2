import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Clock,
  createArgon2Hasher,
  createGatehouse,
  createMemoryStore,
  type Gatehouse,
  generateSecretKey,
  type Store,
} from "@gatehousejs/core";
import { createOidcIdentityProvider } from "@gatehousejs/oidc";
import type { Express } from "express";
import { createApp } from "../../src/app.js";
import { createDevIdentityProvider } from "../../src/dev-idp.js";
import { createOutbox, type Outbox } from "../../src/outbox.js";
import { type SeedResult, type SsoSeedResult, seedDemo, seedSsoDemo } from "../../src/seed.js";

/**
 * The real time plus an offset the tests move: lockout rules are about seconds and minutes, and no test waits
 * them out; between moves time runs as usual, so the audit log keeps its order.
 */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** The staff console's key in tests (the server makes a random one at every start). */
export const STAFF_KEY = "test-staff-key";

export interface RunningApp {
  url: string;
  gatehouse: Gatehouse;
  outbox: Outbox;
  clock: TestClock;
  seed: SeedResult;
  /** Initech, the SSO organization on the development identity provider (with `sso: true`). */
  ssoSeed: SsoSeedResult | null;
  close(): Promise<void>;
}

/**
 * The whole app on a free port of 127.0.0.1, seeded like `pnpm demo` (Acme, MFA required, its administrator
 * invited), on the given store (the memory store by default) and a clock the test moves. With `sso`, also as
 * `pnpm demo` runs it: the development identity provider at /dev/idp and Initech signing in through it.
 */
export async function startApp(
  options: { store?: Store; fastHashing?: boolean; dev?: boolean; sso?: boolean } = {},
): Promise<RunningApp> {
  const clock = createTestClock();
  const outbox = createOutbox({ log: () => {}, clock });
  // The port is known only once the server listens: the links in e-mails read it then.
  let url = "";
  const gatehouse = createGatehouse({
    store: options.store ?? createMemoryStore(),
    mailer: outbox.mailer,
    sms: outbox.sms,
    clock,
    secrets: { current: generateSecretKey("k1") },
    issuer: "Gatehouse demo",
    // argon2id at a small cost keeps the in-process suite fast; the browser story keeps the real cost.
    ...(options.fastHashing === false
      ? {}
      : { hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }) }),
    links: {
      login: () => `${url}/login`,
      activation: (token) => `${url}/activate?token=${encodeURIComponent(token)}`,
      passwordReset: (token) => `${url}/reset-password?token=${encodeURIComponent(token)}`,
    },
    sso: { identityProvider: createOidcIdentityProvider({ allowInsecureRequests: true }) },
  });
  // The app is built once the port is known: the identity provider's issuer and the callback name it.
  let app: Express | null = null;
  const server = createServer((req, res) => app?.(req, res)).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dev = options.dev ?? true;
  const callbackUrl = `${url}/auth/sso/callback`;
  const devIdentityProvider =
    options.sso && dev ? createDevIdentityProvider({ publicUrl: url, callbackUrl }) : null;
  app = createApp({
    gatehouse,
    outbox,
    dev,
    staffKey: STAFF_KEY,
    sso: options.sso ? { callbackUrl } : null,
    devIdentityProvider,
  });
  const temporaryPasswordOf = (email: string) => {
    const mail = outbox.lastMailTo(email, "invitation");
    return mail?.message.kind === "invitation" ? mail.message.temporaryPassword : null;
  };
  const seed = await seedDemo(gatehouse, { knownOrganizationId: null, temporaryPasswordOf });
  const ssoSeed = devIdentityProvider
    ? await seedSsoDemo(gatehouse, {
        idp: devIdentityProvider,
        knownOrganizationId: null,
        temporaryPasswordOf,
      })
    : null;
  return {
    url,
    gatehouse,
    outbox,
    clock,
    seed,
    ssoSeed,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The temporary password of the newest invitation to an address, from the outbox. */
export function temporaryPasswordOf(outbox: Outbox, email: string): string {
  const mail = outbox.lastMailTo(email, "invitation");
  if (mail?.message.kind !== "invitation") throw new Error(`no invitation to ${email}`);
  return mail.message.temporaryPassword;
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at an instant: what an authenticator app shows. */
export function totpCode(base32Secret: string, at: Date): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of base32Secret.replace(/=+$/, "").toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}
