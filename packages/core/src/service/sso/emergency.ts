import { mayUsePassword } from "../../policy/sso.js";
import type { OrganizationRecord, UserRecord } from "../../store/records.js";
import type { ServiceContext } from "../context.js";

/**
 * Whether a password (and so a password reset) is the user's to use: in a password organization always; in an
 * SSO organization only for the emergency administrators staff designated on its connection.
 */
export async function passwordAllowedFor(
  ctx: ServiceContext,
  organization: OrganizationRecord,
  user: UserRecord,
): Promise<boolean> {
  const { authMode } = organization.settings;
  if (authMode === "password") return true;
  const connection = await ctx.store.ssoConnections.findByOrganization(organization.id);
  return mayUsePassword(authMode, connection?.emergencyAdministratorIds.includes(user.id) ?? false);
}
