import { describe, expect, it } from "vitest";
import type { Store } from "../../store/store.js";
import { MINUTE, staff, system } from "./setup.js";
import { REDIRECT_URI, setupSsoFlows } from "./sso-setup.js";

/**
 * SSO sign-in end to end on a store, with the fake identity provider (the port's contract double): who is
 * created, linked or refused, and what every refusal leaves behind (an audit entry; no session, no user).
 */
export function describeSsoFlows(store: () => Store): void {
  describe("SSO sign-in", () => {
    it("external provisioning creates a person just in time with the default roles; the next sign-in finds the same user", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "external" });
      const ann = h.person("ann");
      const first = await h.signInAs(organization.id, ann);
      expect(first.stage).toBe("authenticated");
      if (first.stage !== "authenticated") return;
      expect(first.user).toMatchObject({ email: ann.email, roles: ["callback.viewer"], status: "active" });
      expect((await h.gatehouse.validateSession({ sessionToken: first.token }))?.user.id).toBe(first.user.id);
      const again = await h.signInAs(organization.id, ann);
      expect(again.stage === "authenticated" && again.user.id).toBe(first.user.id);
      const actions = (await h.auditOf(organization.id)).map((entry) => entry.action);
      expect(actions.filter((action) => action === "user.provisioned")).toHaveLength(1);
      expect(actions.filter((action) => action === "login.succeeded")).toHaveLength(2);
    });

    it("the first sign-in of a user already added links them by a verified address at an allowed domain", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "invite", jitProvisioning: false });
      const email = `bob@${h.domain}`;
      const { users } = await h.gatehouse.inviteUsers(system, {
        organizationId: organization.id,
        emails: email,
        roles: ["callback.manager"],
      });
      const result = await h.signInAs(organization.id, h.person("bob"));
      expect(result.stage === "authenticated" && result.user).toMatchObject({
        id: users[0]?.id,
        status: "active",
        roles: ["callback.manager"],
      });
      const linked = (await h.auditOf(organization.id)).find((entry) => entry.action === "sso.linked");
      expect(linked?.subjectUserId).toBe(users[0]?.id);
    });

    it("with MFA required, a single-factor amr is not accepted: Gatehouse asks its own (enrolment)", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ mfa: "required", secondFactor: "identity-provider" });
      const single = await h.signInAs(organization.id, h.person("carol", { amr: ["pwd"] }));
      expect(single.stage).toBe("mfa-enrollment");
      const multi = await h.signInAs(organization.id, h.person("dave", { amr: ["pwd", "otp"] }));
      expect(multi.stage).toBe("authenticated");
    });

    it("a connection that keeps Gatehouse's second factor asks for it even after the provider's MFA", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ mfa: "required", secondFactor: "gatehouse" });
      const result = await h.signInAs(organization.id, h.person("erin", { amr: ["mfa", "pwd", "otp"] }));
      expect(result.stage).toBe("mfa-enrollment");
      expect(await h.gatehouse.validateSession({ sessionToken: result.token })).toMatchObject({
        session: { stage: "mfa-enrollment", secondFactorVerified: false },
      });
    });

    it("a team stored without 2FA (before the plan's rule) still sends an SSO sign-in to enrolment: the plan decides", async () => {
      const s = store();
      const h = setupSsoFlows(s);
      const { organization } = await h.ssoOrg({ preset: "team", mfa: "required" });
      await s.organizations.update(organization.id, {
        settings: { ...organization.settings, mfa: "off" },
        updatedAt: h.clock.now(),
      });
      const result = await h.signInAs(organization.id, h.person("fay"));
      expect(result.stage).toBe("mfa-enrollment");
    });

    it("home-realm discovery: an address finds its organization by domain; an unknown domain is refused", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const start = await h.gatehouse.beginSso({
        email: `Frank@${h.domain.toUpperCase()}`,
        redirectUri: REDIRECT_URI,
      });
      expect(start.state.startsWith(`${organization.id}.`)).toBe(true);
      expect(new URL(start.url).searchParams.get("code_challenge_method")).toBe("S256");
      const unknown = h.gatehouse.beginSso({ email: "frank@elsewhere.test", redirectUri: REDIRECT_URI });
      await expect(unknown).rejects.toMatchObject({
        code: "SSO_FAILED",
        details: { reason: "no-connection" },
      });
    });
  });

  describe("SSO refusals (each audited, no session, no user)", () => {
    /** Expects the refusal's code and reason and its audit entry, and that it signed nobody in and created nobody. */
    const refused = async (
      h: ReturnType<typeof setupSsoFlows>,
      organizationId: string,
      call: () => Promise<unknown>,
      code: string,
      reason: string,
    ) => {
      const users = async () => (await h.gatehouse.listUsers(staff, { organizationId })).items;
      const successes = async () =>
        (await h.auditOf(organizationId)).filter((entry) =>
          ["user.provisioned", "login.succeeded", "sso.linked"].includes(entry.action),
        ).length;
      const [usersBefore, successesBefore] = [await users(), await successes()];
      await expect(call()).rejects.toMatchObject({ code, details: { reason } });
      const audit = await h.auditOf(organizationId);
      const entry = audit.find(
        (e) => e.action === "sso.refused" && e.details.code === code && e.details.reason === reason,
      );
      expect(entry, `an sso.refused entry for ${reason}`).toBeDefined();
      expect(await users()).toEqual(usersBefore);
      expect(await successes()).toBe(successesBefore);
    };

    it("an address at a domain the organization does not own", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const call = () => h.signInAs(organization.id, h.person("gina", { email: "gina@not-theirs.test" }));
      await refused(h, organization.id, call, "SSO_FAILED", "domain-not-allowed");
    });

    it("an address the identity provider has not verified", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const call = () => h.signInAs(organization.id, h.person("hank", { emailVerified: false }));
      await refused(h, organization.id, call, "SSO_FAILED", "email-unverified");
    });

    it("a replayed callback: the state was used once", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "invite", jitProvisioning: false });
      const { state, callbackUrl } = await h.startAs(organization.id, h.person("ivy"));
      await expect(h.gatehouse.completeSso({ callbackUrl, state })).rejects.toMatchObject({
        details: { reason: "not-provisioned" },
      });
      await refused(
        h,
        organization.id,
        () => h.gatehouse.completeSso({ callbackUrl, state }),
        "SSO_FAILED",
        "state-invalid",
      );
    });

    it("an expired state: ten minutes after it began", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const { state, callbackUrl } = await h.startAs(organization.id, h.person("jack"));
      h.clock.advance(10 * MINUTE);
      await refused(
        h,
        organization.id,
        () => h.gatehouse.completeSso({ callbackUrl, state }),
        "SSO_FAILED",
        "state-invalid",
      );
    });

    it("a callback whose state is not the one this browser kept (login CSRF)", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const mine = await h.startAs(organization.id, h.person("kim"));
      const theirs = await h.startAs(organization.id, h.person("mallory"));
      const call = () => h.gatehouse.completeSso({ callbackUrl: theirs.callbackUrl, state: mine.state });
      await refused(h, organization.id, call, "SSO_FAILED", "state-mismatch");
    });

    it("a callback for another organization's connection", async () => {
      const h = setupSsoFlows(store());
      const a = await h.ssoOrg();
      const b = await h.ssoOrg({ domains: [`b.${h.domain}`] });
      const { state, callbackUrl } = await h.startAs(a.organization.id, h.person("lee"));
      const call = () => h.gatehouse.completeSso({ callbackUrl, state, organizationId: b.organization.id });
      await refused(h, a.organization.id, call, "SSO_FAILED", "connection-mismatch");
    });

    it("a person linked in one organization signing in through another's connection at the same issuer", async () => {
      const h = setupSsoFlows(store());
      const a = await h.ssoOrg();
      const b = await h.ssoOrg({ domains: [`b.${h.domain}`] });
      const max = h.person("max");
      await h.signInAs(a.organization.id, max);
      await refused(
        h,
        b.organization.id,
        () => h.signInAs(b.organization.id, max),
        "SSO_FAILED",
        "connection-mismatch",
      );
    });

    it("an identity provider that is down, or answers garbage", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const down = await h.startAs(organization.id, h.person("nina"));
      const garbage = await h.startAs(organization.id, h.person("nina"));
      h.idp.setHealth("down");
      const begin = h.gatehouse.beginSso({ organizationId: organization.id, redirectUri: REDIRECT_URI });
      await expect(begin).rejects.toMatchObject({
        code: "IDP_UNAVAILABLE",
        details: { reason: "unreachable" },
      });
      await refused(
        h,
        organization.id,
        () => h.gatehouse.completeSso(down),
        "IDP_UNAVAILABLE",
        "unreachable",
      );
      h.idp.setHealth("garbage");
      await refused(
        h,
        organization.id,
        () => h.gatehouse.completeSso(garbage),
        "IDP_UNAVAILABLE",
        "invalid-response",
      );
    });

    it("an identity provider that refuses (the person cancelled) or a mix-up (another issuer's iss)", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg();
      const cancelled = await h.startAs(organization.id, h.person("olga"), { error: "access_denied" });
      await refused(
        h,
        organization.id,
        () => h.gatehouse.completeSso(cancelled),
        "SSO_FAILED",
        "idp-refused",
      );
      const mixUp = await h.startAs(organization.id, h.person("olga"), { iss: "https://evil.test" });
      await expect(h.gatehouse.completeSso(mixUp)).rejects.toMatchObject({
        code: "SSO_FAILED",
        details: { reason: "verification-failed" },
      });
    });

    it("a removed user coming back is refused where nobody is created just in time", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "invite", jitProvisioning: false });
      const { users } = await h.gatehouse.inviteUsers(system, {
        organizationId: organization.id,
        emails: `pat@${h.domain}`,
        roles: ["callback.viewer"],
      });
      const pat = h.person("pat");
      await h.signInAs(organization.id, pat);
      await h.gatehouse.removeUser(staff, { userId: users[0]?.id as string });
      await refused(h, organization.id, () => h.signInAs(organization.id, pat), "SSO_FAILED", "user-removed");
    });

    it("a removed user coming back is created again under external provisioning, and audited as such", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "external" });
      const quinn = h.person("quinn");
      const first = await h.signInAs(organization.id, quinn);
      const firstId = first.stage === "authenticated" ? first.user.id : "";
      await h.gatehouse.removeUser(staff, { userId: firstId });
      const back = await h.signInAs(organization.id, quinn);
      expect(back.stage === "authenticated" && back.user.id).not.toBe(firstId);
      const recreated = (await h.auditOf(organization.id)).find(
        (entry) => entry.action === "sso.user-recreated",
      );
      expect(recreated?.details).toMatchObject({ previousUserId: firstId, subject: quinn.subject });
    });

    it("nobody is created just in time under invite provisioning, and an address taken by a linked user is not re-linked", async () => {
      const h = setupSsoFlows(store());
      const { organization } = await h.ssoOrg({ provisioning: "invite", jitProvisioning: true });
      await refused(
        h,
        organization.id,
        () => h.signInAs(organization.id, h.person("rita")),
        "SSO_FAILED",
        "not-provisioned",
      );
      await h.gatehouse.inviteUsers(system, {
        organizationId: organization.id,
        emails: `sam@${h.domain}`,
        roles: ["callback.viewer"],
      });
      await h.signInAs(organization.id, h.person("sam"));
      // Another person at the provider now holds sam's address: the account stays sam's.
      const impostor = h.signInAs(organization.id, h.person("sam"));
      await expect(impostor).rejects.toMatchObject({ details: { reason: "identity-conflict" } });
    });
  });
}
