import { randomBytes } from "node:crypto";
import type { OrganizationSettings } from "../../store/records.js";
import type { Store } from "../../store/store.js";
import { createFakeIdentityProvider, type FakePerson } from "../fake-identity-provider.js";
import { setupFlows, staff } from "./setup.js";

export const REDIRECT_URI = "https://app.example.test/sso/callback";

/** The service with a fake identity provider, and helpers to make SSO organizations and sign people in. */
export function setupSsoFlows(store: Store) {
  const idp = createFakeIdentityProvider();
  const h = setupFlows(store, { sso: { identityProvider: idp } });
  const issuer = `https://idp-${randomBytes(4).toString("hex")}.test`;

  /** An SSO organization with a connection for the harness's domain. */
  const ssoOrg = async (
    options: {
      preset?: "enterprise" | "team";
      provisioning?: OrganizationSettings["provisioning"];
      mfa?: OrganizationSettings["mfa"];
      jitProvisioning?: boolean;
      secondFactor?: "identity-provider" | "gatehouse";
      issuer?: string;
      domains?: string[];
    } = {},
  ) => {
    const organization = await h.gatehouse.createOrganization(staff, {
      name: "Acme SSO",
      preset: options.preset ?? "enterprise",
      authMode: "sso",
      provisioning: options.provisioning ?? "external",
      mfa: options.mfa ?? "off",
    });
    const connection = await h.gatehouse.upsertSsoConnection(staff, {
      organizationId: organization.id,
      issuer: options.issuer ?? issuer,
      clientId: `client-${organization.id}`,
      clientSecret: "s3cret-of-the-client",
      domains: options.domains ?? [h.domain],
      jitProvisioning: options.jitProvisioning ?? true,
      defaultRoles: ["callback.viewer"],
      secondFactor: options.secondFactor ?? "gatehouse",
    });
    return { organization, connection };
  };

  /** What the browser does: begin, sign in at the provider as `person`, come back to the callback. */
  const startAs = async (
    organizationId: string,
    person: FakePerson,
    options?: { error?: string; iss?: string },
  ) => {
    const { url, state } = await h.gatehouse.beginSso({ organizationId, redirectUri: REDIRECT_URI });
    return { state, callbackUrl: idp.authorize(url, person, options) };
  };
  const signInAs = async (organizationId: string, person: FakePerson) => {
    const { state, callbackUrl } = await startAs(organizationId, person);
    return h.gatehouse.completeSso({ callbackUrl, state });
  };
  /** A person at the harness's domain whose address the provider verified. */
  const person = (local: string, fields: Partial<FakePerson> = {}): FakePerson => ({
    subject: `sub-${local}-${randomBytes(3).toString("hex")}`,
    email: `${local}@${h.domain}`,
    emailVerified: true,
    givenName: local,
    familyName: "Example",
    ...fields,
  });
  /** The audit entries of an organization, newest first. */
  // Flushed first: through an audit outbox, a sign-in's entry reaches the log shortly after the answer.
  const auditOf = async (organizationId: string) => {
    await h.gatehouse.flush();
    return (await h.gatehouse.listAuditLog(staff, { organizationId, limit: 200 })).items;
  };
  return { ...h, idp, issuer, ssoOrg, startAs, signInAs, person, auditOf };
}

/** What an SSO flow case gets. */
export type SsoFlowHarness = ReturnType<typeof setupSsoFlows>;
