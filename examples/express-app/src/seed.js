import { isGatehouseError } from "@gatehousejs/core";

/** @import { Actor, Gatehouse } from "@gatehousejs/core" */

/** The operator's bootstrap job: the audit log names it as the creator of the first organization and admin. */
export const bootstrap = /** @type {const} @satisfies {Actor} */ ({ kind: "system", name: "demo-seed" });

/** The platform staff member who created the organization and turned MFA on. */
const superAdmin = /** @type {const} @satisfies {Actor} */ ({
  kind: "staff",
  id: "demo-seed",
  email: "staff@gatehouse.test",
});

/**
 * @typedef {object} SeedResult
 * @property {boolean} created whether this call created the organization (first start)
 * @property {string} organizationId
 * @property {string} adminEmail
 * @property {string | null} temporaryPassword the administrator's first-login password, on first start only
 */

/**
 * Seeds the demo's organization once: "Acme" on the enterprise preset with MFA required (set by platform
 * staff, as seed 000 says), and one administrator invited with a temporary password. Later starts find the
 * organization again by the id kept in `remember`.
 * @param {Gatehouse} gatehouse
 * @param {object} options
 * @param {string} [options.adminEmail]
 * @param {"off" | "optional" | "required"} [options.mfa]
 * @param {string | null} options.knownOrganizationId the id remembered from an earlier start, if any
 * @param {(email: string) => string | null} options.temporaryPasswordOf reads the invitation that was just sent
 * @returns {Promise<SeedResult>}
 */
export async function seedDemo(
  gatehouse,
  { adminEmail = "admin@acme.test", mfa = "required", knownOrganizationId, temporaryPasswordOf },
) {
  if (knownOrganizationId) {
    try {
      const organization = await gatehouse.getOrganization(bootstrap, {
        organizationId: knownOrganizationId,
      });
      return { created: false, organizationId: organization.id, adminEmail, temporaryPassword: null };
    } catch (error) {
      if (!isGatehouseError(error, "NOT_FOUND")) throw error;
    }
  }
  const organization = await gatehouse.createOrganization(superAdmin, {
    name: "Acme",
    preset: "enterprise",
    mfa,
  });
  await gatehouse.inviteUsers(bootstrap, {
    organizationId: organization.id,
    emails: adminEmail,
    roles: ["platform.administrator", "callback.administrator"],
  });
  return {
    created: true,
    organizationId: organization.id,
    adminEmail,
    temporaryPassword: temporaryPasswordOf(adminEmail),
  };
}
