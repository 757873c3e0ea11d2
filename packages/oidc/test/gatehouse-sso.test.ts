import {
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
  isGatehouseError,
} from "@gatehousejs/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createOidcIdentityProvider } from "../src/index.js";
import { REDIRECT_URI, startProvider, type TestProvider } from "./support/provider.js";

// The whole path a host wires: Gatehouse with this package's identity provider, against a real OpenID provider.

let op: TestProvider;
beforeAll(async () => {
  op = await startProvider();
});
afterAll(() => op.close());

it("a host wires a connection; a person signs in just in time, and one at a foreign domain is refused", async () => {
  const staff = { kind: "staff", id: "ops-1" } as const;
  const gatehouse = createGatehouse({
    store: createMemoryStore(),
    mailer: createMemoryMailer(),
    secrets: { current: generateSecretKey("k1") },
    // Tests only: the provider listens on http://127.0.0.1.
    sso: { identityProvider: createOidcIdentityProvider({ allowInsecureRequests: true }) },
  });
  const organization = await gatehouse.createOrganization(staff, {
    name: "Acme",
    authMode: "sso",
    provisioning: "external",
  });
  const client = op.clients[0] as { clientId: string; clientSecret: string };
  await gatehouse.upsertSsoConnection(staff, {
    organizationId: organization.id,
    issuer: op.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    domains: ["acme.test"],
    jitProvisioning: true,
    defaultRoles: ["callback.viewer"],
    secondFactor: "identity-provider",
  });

  // By e-mail (home-realm discovery: the domain leads to the organization), or by organization.
  const signIn = async (
    start: { email: string } | { organizationId: string },
    sub: string,
    email: string,
  ) => {
    const { url, state } = await gatehouse.beginSso({ ...start, redirectUri: REDIRECT_URI });
    const callbackUrl = await op.signIn(new URL(url), {
      sub,
      email,
      emailVerified: true,
      amr: ["pwd", "otp"],
    });
    return gatehouse.completeSso({ callbackUrl: callbackUrl.href, state });
  };

  const ann = await signIn({ email: "ann@acme.test" }, "ann-at-idp", "ann@acme.test");
  expect(ann.stage).toBe("authenticated");
  expect(ann.stage === "authenticated" && ann.user).toMatchObject({
    email: "ann@acme.test",
    roles: ["callback.viewer"],
  });

  const refused = await signIn({ organizationId: organization.id }, "bob-at-idp", "bob@elsewhere.test").catch(
    (error: unknown) => error,
  );
  expect(isGatehouseError(refused, "SSO_FAILED")).toBe(true);
  expect((refused as { details: { reason: string } }).details.reason).toBe("domain-not-allowed");
});
