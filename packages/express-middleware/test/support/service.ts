import { randomBytes } from "node:crypto";
import {
  type Actor,
  createGatehouse,
  createMemoryMailer,
  createMemorySmsSender,
  createMemoryStore,
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
import express, { type Express } from "express";
import {
  type GatehouseRouterOptions,
  gatehouseErrorHandler,
  gatehouseMiddleware,
  gatehouseRouter,
  requireAuth,
  requirePermission,
} from "../../src/index.js";
import { Browser } from "./client.js";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const system: Actor = { kind: "system", name: "provisioning" };
export const staff: Actor = { kind: "staff", id: "staff-1", email: "superadmin@operator.test" };

/** A suffix no other test uses: addresses are unique across an installation, and stores may be shared. */
export function unique(): string {
  return randomBytes(5).toString("hex");
}

export interface SetupOptions extends Partial<GatehouseOptions> {
  /** The store; a new memory store by default. */
  store?: Store;
  /** Options of the router and the middleware in front of it. */
  router?: GatehouseRouterOptions;
}

/**
 * A whole app on the service: the middleware, the routes under `/auth`, a few host routes behind the guards,
 * the error handler, and the service on a test clock, memory mailer and SMS sender.
 */
export function setup(options: SetupOptions = {}) {
  const { store = createMemoryStore(), router: routerOptions = {}, ...rest } = options;
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
  const cookieOptions = {
    cookieName: routerOptions.cookieName,
    cookiePath: routerOptions.cookiePath,
    secure: routerOptions.secure,
    sameSite: routerOptions.sameSite,
    csrf: routerOptions.csrf,
    allowedOrigins: routerOptions.allowedOrigins,
    csrfToken: routerOptions.csrfToken,
  };

  const app: Express = express();
  app.use(gatehouseMiddleware(gatehouse, cookieOptions));
  app.use("/auth", gatehouseRouter(gatehouse, routerOptions));
  app.get("/api/me", requireAuth(), (req, res) => {
    res.json({ id: req.auth.user?.id, stage: req.auth.stage });
  });
  app.get("/api/users-page", requirePermission("platform.user-management", "view"), (req, res) => {
    res.json({
      canDelete: req.auth.can("platform.user-management", "delete"),
      canEdit: req.auth.can("platform.user-management", "edit"),
    });
  });
  app.delete("/api/accounts/:id", requirePermission("platform.user-management", "delete"), (_req, res) => {
    res.status(204).end();
  });
  app.get("/api/whoami", (req, res) => {
    res.json({ user: req.auth.user?.email ?? null, can: req.auth.can("platform.user-management", "view") });
  });
  app.post("/api/echo", express.json(), (req, res) => {
    res.json({ user: req.auth.user?.email ?? null, body: req.body });
  });
  app.get("/api/boom", () => {
    throw new Error("connection to db.internal:5432 refused for user admin (password hunter2)");
  });
  app.use(gatehouseErrorHandler());

  const browser = (headers?: Record<string, string>) => new Browser(app, headers);

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

export type Harness = ReturnType<typeof setup>;

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

/** `express()` typed for helpers that take the app. */
export type App = Express;
