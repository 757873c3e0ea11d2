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
  try {
    await gatehouse.inviteUsers(bootstrap, {
      organizationId: organization.id,
      emails: adminEmail,
      roles: ["platform.administrator", "callback.administrator"],
    });
  } catch (error) {
    // The database was seeded from another data folder (its seed file is not here): say so, plainly.
    if (!isGatehouseError(error, "CONFLICT")) throw error;
    throw new Error(
      `${adminEmail} is already registered in this database, seeded from another data folder. ` +
        "Start the demo with that folder, or point it at a fresh schema (GATEHOUSE_SCHEMA=another).",
    );
  }
  return {
    created: true,
    organizationId: organization.id,
    adminEmail,
    temporaryPassword: temporaryPasswordOf(adminEmail),
  };
}

/**
 * @typedef {object} SsoSeedResult
 * @property {boolean} created whether this call created the organization (first start)
 * @property {string} organizationId
 * @property {string} emergencyEmail the emergency administrator, who keeps a password
 * @property {string | null} temporaryPassword their first-login password, on first start only
 */

/**
 * Seeds the demo's SSO organization once, **Initech** (enterprise preset, people come from its identity
 * provider and are created on their first sign-in), and at every start points its connection at `idp` (the
 * development identity provider's issuer and client change with the port and each start). Its emergency
 * administrator, designated by platform staff, keeps a password (and a second factor) for when the provider
 * is down.
 * @param {Gatehouse} gatehouse
 * @param {object} options
 * @param {{ issuer: string; clientId: string; clientSecret: string }} options.idp
 * @param {string | null} options.knownOrganizationId the id remembered from an earlier start, if any
 * @param {(email: string) => string | null} options.temporaryPasswordOf reads the invitation that was just sent
 * @param {string} [options.emergencyEmail]
 * @returns {Promise<SsoSeedResult>}
 */
export async function seedSsoDemo(
  gatehouse,
  { idp, knownOrganizationId, temporaryPasswordOf, emergencyEmail = "root@initech.test" },
) {
  let organizationId = null;
  if (knownOrganizationId) {
    try {
      organizationId = (await gatehouse.getOrganization(bootstrap, { organizationId: knownOrganizationId }))
        .id;
    } catch (error) {
      if (!isGatehouseError(error, "NOT_FOUND")) throw error;
    }
  }
  const created = organizationId === null;
  if (organizationId === null) {
    const organization = await gatehouse.createOrganization(superAdmin, {
      name: "Initech",
      preset: "enterprise",
      authMode: "sso",
      provisioning: "external",
      mfa: "off",
    });
    organizationId = organization.id;
  }
  await gatehouse.upsertSsoConnection(superAdmin, {
    organizationId,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    domains: ["initech.test"],
    jitProvisioning: true,
    defaultRoles: ["platform.viewer"],
    secondFactor: "gatehouse",
  });
  if (!created) return { created, organizationId, emergencyEmail, temporaryPassword: null };
  const { users } = await gatehouse.inviteUsers(bootstrap, {
    organizationId,
    emails: emergencyEmail,
    roles: ["platform.administrator", "callback.administrator"],
  });
  await gatehouse.setSsoEmergencyAdministrators(superAdmin, {
    organizationId,
    userIds: users.map((user) => user.id),
  });
  return { created, organizationId, emergencyEmail, temporaryPassword: temporaryPasswordOf(emergencyEmail) };
}
