import {
  type Actor,
  createGatehouse,
  createMemoryMailer,
  createMemorySmsSender,
  createMemoryStore,
  type GatehouseOptions,
  type GatehousePolicy,
  generateSecretKey,
  type Store,
} from "../../src/index.js";
import {
  createCountingHasher,
  createTestClock,
  linkTokenFor,
  temporaryPasswordFor,
} from "../../src/testing/index.js";

export const MINUTE = 60_000;
export const system: Actor = { kind: "system", name: "provisioning" };
export const staff: Actor = { kind: "staff", id: "staff-1", email: "superadmin@operator.test" };
export const member = (userId: string): Actor => ({ kind: "member", userId });

/** A whole service on the memory store with a memory mailer, a memory SMS sender and a test clock. */
export function setup(options: { policy?: GatehousePolicy; store?: Store } & Partial<GatehouseOptions> = {}) {
  const clock = createTestClock(new Date("2026-11-23T09:00:00.000Z"));
  const mailer = createMemoryMailer();
  const sms = createMemorySmsSender();
  const hasher = createCountingHasher();
  const store = options.store ?? createMemoryStore();
  const gatehouse = createGatehouse({
    store,
    mailer,
    sms,
    clock,
    hasher,
    secrets: { current: generateSecretKey("k1") },
    links: "https://app.example.test",
    ...options,
  });

  const temporaryPassword = (email: string): string => temporaryPasswordFor(mailer, email);
  const linkToken = (email: string, kind: "activation" | "password-reset"): string =>
    linkTokenFor(mailer, email, kind);

  /** An enterprise organization with one administrator who has signed in and chosen a password. */
  const enterpriseOrg = async (name = "Acme", settings: { mfa?: "off" | "optional" | "required" } = {}) => {
    const organization = await gatehouse.createOrganization(staff, {
      name,
      preset: "enterprise",
      ...settings,
    });
    const adminEmail = `admin@${name.toLowerCase().replace(/\W/g, "")}.test`;
    const { users } = await gatehouse.inviteUsers(system, {
      organizationId: organization.id,
      emails: adminEmail,
      roles: ["platform.administrator", "callback.administrator"],
    });
    const admin = users[0];
    if (!admin) throw new Error("no admin");
    const password = "correct horse battery staple";
    const first = await gatehouse.login({ email: adminEmail, password: temporaryPassword(adminEmail) });
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    return { organization, admin, adminEmail, password, actor: member(admin.id) };
  };

  /** Invites a user and has them sign in and choose a password; returns their id and password. */
  const onboard = async (organizationId: string, inviter: Actor, email: string, roles: string[]) => {
    const { users } = await gatehouse.inviteUsers(inviter, { organizationId, emails: email, roles });
    const user = users[0];
    if (!user) throw new Error("no user");
    const password = `lantern orbit ${email.length} quiet meadow`;
    const first = await gatehouse.login({ email, password: temporaryPassword(email) });
    const session = await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    return { user, password, actor: member(user.id), session };
  };

  return {
    gatehouse,
    store,
    clock,
    mailer,
    sms,
    hasher,
    temporaryPassword,
    linkToken,
    enterpriseOrg,
    onboard,
  };
}
