import { describe, expect, test } from "vitest";
import {
  decideSsoIdentity,
  isMultiFactorAmr,
  passwordMfaRequirement,
  type SsoIdentityFacts,
  ssoLoginStage,
  tokenExpiresAt,
} from "../../src/policy/index.js";
import { presets } from "../../src/policy/presets.js";

const facts = (overrides: Partial<SsoIdentityFacts> = {}): SsoIdentityFacts => ({
  organizationId: "org_a",
  issuer: "https://idp.acme.test",
  email: "ann@acme.test",
  emailVerified: true,
  allowedDomains: ["acme.test"],
  provisioning: "external",
  jitProvisioning: true,
  link: null,
  userByEmail: null,
  ...overrides,
});

describe("decideSsoIdentity", () => {
  test("a link decides alone, whatever the address says today", () => {
    const linked = { userId: "usr_1", userOrganizationId: "org_a" };
    expect(decideSsoIdentity(facts({ link: linked, email: "x@evil.test", emailVerified: false }))).toEqual({
      kind: "sign-in",
      userId: "usr_1",
    });
    expect(decideSsoIdentity(facts({ link: { ...linked, userOrganizationId: "org_b" } }))).toEqual({
      kind: "refuse",
      reason: "connection-mismatch",
    });
  });

  test("a first link needs a verified address at an allowed domain (a subdomain is another domain)", () => {
    const user = { id: "usr_1", organizationId: "org_a", linkedIssuers: [] };
    expect(decideSsoIdentity(facts({ userByEmail: user }))).toEqual({
      kind: "link",
      userId: "usr_1",
      relinked: false,
    });
    expect(decideSsoIdentity(facts({ userByEmail: user, emailVerified: false }))).toMatchObject({
      reason: "email-unverified",
    });
    expect(decideSsoIdentity(facts({ email: "ann@sub.acme.test" }))).toMatchObject({
      reason: "domain-not-allowed",
    });
    expect(decideSsoIdentity(facts({ email: null }))).toMatchObject({ reason: "email-missing" });
    expect(
      decideSsoIdentity(facts({ userByEmail: { ...user, linkedIssuers: ["https://idp.acme.test"] } })),
    ).toMatchObject({ reason: "identity-conflict" });
    expect(decideSsoIdentity(facts({ userByEmail: { ...user, organizationId: "org_b" } }))).toMatchObject({
      reason: "email-registered-elsewhere",
    });
  });

  test("just-in-time creation only with the switch on and external provisioning; a removed person is named", () => {
    expect(decideSsoIdentity(facts())).toEqual({ kind: "create", recreated: false });
    for (const provisioning of ["invite", "members-only"] as const)
      expect(decideSsoIdentity(facts({ provisioning }))).toMatchObject({ reason: "not-provisioned" });
    expect(decideSsoIdentity(facts({ jitProvisioning: false }))).toMatchObject({ reason: "not-provisioned" });
    const removed = { userId: "usr_gone", userOrganizationId: null };
    expect(decideSsoIdentity(facts({ link: removed }))).toEqual({ kind: "create", recreated: true });
    expect(decideSsoIdentity(facts({ link: removed, provisioning: "invite" }))).toMatchObject({
      reason: "user-removed",
    });
  });
});

describe("MFA of SSO sign-ins", () => {
  test("amr shows multi-factor with `mfa`, or two methods not both knowledge", () => {
    expect(isMultiFactorAmr(["mfa"])).toBe(true);
    expect(isMultiFactorAmr(["pwd", "otp"])).toBe(true);
    expect(isMultiFactorAmr(["swk", "pin"])).toBe(true);
    expect(isMultiFactorAmr(["pwd"])).toBe(false);
    expect(isMultiFactorAmr(["pwd", "kba"])).toBe(false);
    expect(isMultiFactorAmr(["hwk", "hwk"])).toBe(false);
    expect(isMultiFactorAmr([])).toBe(false);
  });

  test("the provider's MFA is accepted only when the connection says so and amr shows it", () => {
    const base = { requirement: "required", enrolledFactors: [] } as const;
    expect(ssoLoginStage({ ...base, secondFactor: "identity-provider", amr: ["mfa"] })).toEqual({
      stage: "authenticated",
      secondFactorVerified: true,
    });
    expect(ssoLoginStage({ ...base, secondFactor: "identity-provider", amr: ["pwd"] }).stage).toBe(
      "mfa-enrollment",
    );
    expect(ssoLoginStage({ ...base, secondFactor: "gatehouse", amr: ["mfa"] }).stage).toBe("mfa-enrollment");
    expect(
      ssoLoginStage({ ...base, secondFactor: "gatehouse", amr: [], enrolledFactors: ["totp"] }).stage,
    ).toBe("mfa");
  });

  test("an emergency administrator's password sign-in always requires a second factor", () => {
    expect(passwordMfaRequirement("sso", "off")).toBe("required");
    expect(passwordMfaRequirement("password", "off")).toBe("off");
  });

  test("a started SSO sign-in lives ten minutes", () => {
    const at = new Date(0);
    expect(tokenExpiresAt("sso-state", presets.team.tokens, at)).toEqual(new Date(10 * 60_000));
  });
});
