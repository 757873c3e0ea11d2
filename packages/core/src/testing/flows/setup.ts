import { randomBytes } from "node:crypto";
import { generateSecretKey } from "../../crypto/key-ring.js";
import { createMemoryMailer, type MemoryMailer } from "../../messages/memory-mailer.js";
import type { Actor } from "../../service/actor.js";
import type { GatehouseOptions } from "../../service/context.js";
import { createGatehouse } from "../../service/create-gatehouse.js";
import type { Store } from "../../store/store.js";
import { createTestClock } from "../fixtures.js";
import { createCountingHasher, linkTokenFor, temporaryPasswordFor } from "../service-helpers.js";

export const MINUTE = 60_000;
export const staff: Actor = { kind: "staff", id: "staff-1", email: "superadmin@operator.test" };
export const system: Actor = { kind: "system", name: "provisioning" };

export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    // By code, not instanceof: a CommonJS build of this entry carries its own copy of the error classes.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string") return code;
    throw error;
  }
  return "OK";
}

/** The service on the store, with a memory mailer (or the one given), a test clock and a cheap argon2id; `options` override any of them. */
export function setupFlows<M extends MemoryMailer = MemoryMailer>(
  store: Store,
  options: { mailer?: M } & Partial<Omit<GatehouseOptions, "mailer" | "store">> = {},
) {
  const clock = createTestClock();
  const mailer = options.mailer ?? (createMemoryMailer() as M);
  const gatehouse = createGatehouse({
    ...options,
    store,
    mailer,
    clock,
    hasher: createCountingHasher(),
    secrets: { current: generateSecretKey("k1") },
    links: "https://app.example.test",
    ...options,
  });
  const domain = `${randomBytes(4).toString("hex")}.test`;
  const temporaryPassword = (email: string): string => temporaryPasswordFor(mailer, email);
  const resetToken = (email: string): string => linkTokenFor(mailer, email, "password-reset");
  /** Invites `local@domain` and has them sign in and choose a password. */
  const onboard = async (organizationId: string, inviter: Actor, local: string, roles: string[]) => {
    const email = `${local}@${domain}`;
    const { users } = await gatehouse.inviteUsers(inviter, { organizationId, emails: email, roles });
    const user = users[0];
    if (!user) throw new Error("nobody was invited");
    const password = `lantern orbit ${local.length} quiet meadow`;
    const first = await gatehouse.login({ email, password: temporaryPassword(email) });
    const session = await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    clock.advance(5_000);
    return { user, email, password, session, actor: { kind: "member", userId: user.id } as Actor };
  };
  const enterpriseOrg = async () => {
    const organization = await gatehouse.createOrganization(staff, { name: "Acme", preset: "enterprise" });
    const admin = await onboard(organization.id, system, "admin", [
      "platform.administrator",
      "callback.administrator",
    ]);
    return { organization, admin };
  };
  return { gatehouse, clock, mailer, domain, onboard, enterpriseOrg, resetToken, temporaryPassword };
}

/** What a flow case gets: the service on a fresh store with its clock, mailer and helpers. */
export type FlowHarness = ReturnType<typeof setupFlows>;
