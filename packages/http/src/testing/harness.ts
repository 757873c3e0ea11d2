import { randomBytes } from "node:crypto";
import {
  type Actor,
  createGatehouse,
  createMemoryMailer,
  createMemorySmsSender,
  type Gatehouse,
  type GatehouseOptions,
  generateSecretKey,
  type Store,
} from "@gatehousejs/core";
import {
  createCountingHasher,
  createTestClock,
  linkTokenFor,
  temporaryPasswordFor,
} from "@gatehousejs/core/testing";
import type { GatehouseHandlerOptions } from "../options.js";
import { type BindingFetch, Browser } from "./client.js";

/** One second, in milliseconds. */
export const SECOND = 1000;
/** One minute, in milliseconds. */
export const MINUTE = 60 * SECOND;
/** The provisioning actor of the suites. */
export const system: Actor = { kind: "system", name: "provisioning" };
/** The operator actor of the suites. */
export const staff: Actor = { kind: "staff", id: "staff-1", email: "superadmin@operator.test" };

/** A suffix no other test uses: addresses are unique across an installation, and stores may be shared. */
export function unique(): string {
  return randomBytes(5).toString("hex");
}

/** Builds the app of a binding on a service, with the layer's options (the routes under `basePath`). */
export type CreateBindingApp = (
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions & { readonly basePath: string },
) => BindingFetch | Promise<BindingFetch>;

/** The options of one test's app: the service's, and the layer's. */
export interface HarnessOptions extends Partial<GatehouseOptions> {
  handler?: GatehouseHandlerOptions;
}

/**
 * A whole app on the service (the binding's routes under `/auth` and its probe routes under `/api`), with the
 * service on a test clock, memory mailer and SMS sender, and the helpers the suites share.
 */
export function createHarness(store: Store, create: CreateBindingApp, options: HarnessOptions = {}) {
  const { handler = {}, ...rest } = options;
  const clock = createTestClock(new Date("2026-11-23T09:00:00.000Z"));
  const mailer = createMemoryMailer();
  const sms = createMemorySmsSender();
  const hasher = createCountingHasher();
  const gatehouse: Gatehouse = createGatehouse({
    store,
    mailer,
    sms,
    clock,
    hasher,
    secrets: { current: generateSecretKey("k1") },
    links: "https://app.example.test",
    ...rest,
  });
  const built = Promise.resolve(create(gatehouse, { ...handler, basePath: "/auth" }));
  const app: BindingFetch = async (request, peer) => (await built)(request, peer);

  const browser = (headers?: Record<string, string>, clientAddress?: string) =>
    new Browser(app, headers, clientAddress);
  const temporaryPassword = (email: string): string => temporaryPasswordFor(mailer, email);
  const linkToken = (email: string, kind: "activation" | "password-reset"): string =>
    linkTokenFor(mailer, email, kind);

  /** Invites a user with roles and has them choose a password (through the service, not the routes). */
  const onboard = async (organizationId: string, inviter: Actor, email: string, roles: string[]) => {
    const { users } = await gatehouse.inviteUsers(inviter, { organizationId, emails: email, roles });
    const user = users[0];
    if (!user) throw new Error("no user");
    const password = `lantern orbit ${email.length} quiet meadow`;
    const first = await gatehouse.login({ email, password: temporaryPassword(email) });
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    return { user, email, password, actor: { kind: "member", userId: user.id } as Actor };
  };

  /** An enterprise organization with one administrator who has chosen a password. */
  const enterpriseOrg = async (settings: { mfa?: "off" | "optional" | "required" } = {}) => {
    const organization = await gatehouse.createOrganization(staff, {
      name: `Acme ${unique()}`,
      preset: "enterprise",
      ...settings,
    });
    const admin = await onboard(organization.id, system, `admin-${unique()}@acme.test`, [
      "platform.administrator",
      "callback.administrator",
    ]);
    return { organization, admin };
  };

  /** A browser signed in through the login route. */
  const signIn = async (email: string, password: string): Promise<Browser> => {
    const b = browser();
    const res = await b.post("/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return b;
  };

  return {
    app,
    gatehouse,
    store,
    clock,
    mailer,
    sms,
    hasher,
    browser,
    temporaryPassword,
    linkToken,
    onboard,
    enterpriseOrg,
    signIn,
  };
}

/** The harness of one test. */
export type Harness = ReturnType<typeof createHarness>;

/** Builds one test's harness. */
export type Setup = (options?: HarnessOptions) => Harness;

/** Decodes a base32 TOTP secret (RFC 4648, no padding), to compute codes the way an authenticator app does. */
export function decodeBase32(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}
