/** @import { Gatehouse, OrganizationRecord } from "@gatehousejs/core" */

/** The app itself, reading what its pages show (the audit log never sees it: it only reads). */
const pages = /** @type {const} @satisfies {import("@gatehousejs/core").Actor} */ ({
  kind: "system",
  name: "demo-pages",
});

/**
 * Who in an organization has a password to change or reset: everyone in a password organization (`null`);
 * in an SSO organization only the emergency administrators staff designated (the others sign in through the
 * identity provider, and the service refuses their passwords and resets anyway).
 * @param {Gatehouse} gatehouse
 * @param {Pick<OrganizationRecord, "id" | "settings">} organization
 * @returns {Promise<ReadonlySet<string> | null>}
 */
export async function passwordHoldersOf(gatehouse, organization) {
  if (organization.settings.authMode !== "sso") return null;
  const connection = await gatehouse.getSsoConnection(pages, { organizationId: organization.id });
  return new Set(connection?.emergencyAdministratorIds ?? []);
}

/**
 * Whether a user has a password (see {@link passwordHoldersOf}).
 * @param {ReadonlySet<string> | null} holders
 * @param {string} userId
 */
export function holdsPassword(holders, userId) {
  return holders === null || holders.has(userId);
}
