// The demo's data: one organization with an administrator who has chosen a password, and a teammate who can
// sign in but may not view users (to see the guard refuse).
import { randomBytes } from "node:crypto";
import type { Gatehouse, MemoryMailer } from "@gatehousejs/core";

/** Who can sign in to the demo. */
export interface DemoAccounts {
  readonly organizationId: string;
  readonly admin: { readonly email: string; readonly password: string };
  readonly teammate: { readonly email: string; readonly password: string };
}

/**
 * Creates the demo organization and its two accounts, through the service (invitation, first sign-in with the
 * e-mailed temporary password, password change): the same path a real user takes. Passwords are random.
 */
export async function seedDemo(gatehouse: Gatehouse, mailer: MemoryMailer): Promise<DemoAccounts> {
  const system = { kind: "system", name: "hono-demo seed" } as const;
  const organization = await gatehouse.createOrganization(system, { name: "Acme", preset: "enterprise" });
  const account = async (email: string, roles: string[]) => {
    await gatehouse.inviteUsers(system, { organizationId: organization.id, emails: email, roles });
    const invitation = mailer.lastTo(email, "invitation")?.message;
    if (invitation?.kind !== "invitation") throw new Error(`no invitation reached ${email}`);
    const temporary = invitation.temporaryPassword;
    const password = `demo ${randomBytes(6).toString("base64url")} passphrase`;
    const first = await gatehouse.login({ email, password: temporary });
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    return { email, password };
  };
  return {
    organizationId: organization.id,
    admin: await account("admin@acme.test", ["platform.administrator"]),
    teammate: await account("teammate@acme.test", ["handoff.viewer"]),
  };
}
