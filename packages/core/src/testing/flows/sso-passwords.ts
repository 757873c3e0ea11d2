import { describe, expect, it } from "vitest";
import type { Actor } from "../../service/actor.js";
import type { Store } from "../../store/store.js";
import { codeOf, staff, system } from "./setup.js";
import { setupSsoFlows } from "./sso-setup.js";

/**
 * Passwords in SSO organizations: refused, and no reset, except for the emergency administrators staff
 * designate (who keep password and second factor); connections are a setting reserved for staff.
 */
export function describeSsoPasswordFlows(store: () => Store): void {
  describe("SSO organizations and passwords", () => {
    /** An SSO organization with an invited administrator, who holds a temporary password. */
    const withAdministrator = async (h: ReturnType<typeof setupSsoFlows>) => {
      const { organization } = await h.ssoOrg({ provisioning: "invite", jitProvisioning: false });
      const email = `root@${h.domain}`;
      const { users } = await h.gatehouse.inviteUsers(system, {
        organizationId: organization.id,
        emails: email,
        roles: ["platform.administrator"],
      });
      const user = users[0];
      if (!user) throw new Error("nobody was invited");
      const actor: Actor = { kind: "member", userId: user.id };
      return { organization, email, user, actor };
    };

    it("a password is refused and no reset is sent, to anyone not designated", async () => {
      const h = setupSsoFlows(store());
      const { email, user } = await withAdministrator(h);
      expect(await codeOf(h.gatehouse.login({ email, password: h.temporaryPassword(email) }))).toBe(
        "INVALID_CREDENTIALS",
      );
      expect(await codeOf(h.gatehouse.issuePasswordReset(staff, { userId: user.id }))).toBe("NOT_SUPPORTED");
      await h.gatehouse.requestPasswordReset({ email });
      await h.gatehouse.flush();
      expect(h.mailer.messages.filter((mail) => mail.message.kind === "password-reset")).toEqual([]);
    });

    it("an emergency administrator keeps the password, always with a second factor, and may be sent a reset", async () => {
      const h = setupSsoFlows(store());
      const { organization, email, user } = await withAdministrator(h);
      await h.gatehouse.setSsoEmergencyAdministrators(staff, {
        organizationId: organization.id,
        userIds: [user.id],
      });
      const first = await h.gatehouse.login({ email, password: h.temporaryPassword(email) });
      expect(first.stage).toBe("password-change");
      // The organization's MFA is off, yet the password alone does not sign an emergency administrator in.
      const changed = await h.gatehouse.changePassword({
        sessionToken: first.token,
        newPassword: "quiet lantern orbit 42",
      });
      expect(changed.stage).toBe("mfa-enrollment");
      h.clock.advance(5_000);
      const again = await h.gatehouse.login({ email, password: "quiet lantern orbit 42" });
      expect(again.stage).toBe("mfa-enrollment");
      expect(await h.gatehouse.issuePasswordReset(staff, { userId: user.id })).toEqual({ delivered: true });
      const audit = await h.auditOf(organization.id);
      expect(audit.some((entry) => entry.action === "sso.emergency-administrators-changed")).toBe(true);
    });

    it("only staff designate emergency administrators and, by default, manage the connection", async () => {
      const h = setupSsoFlows(store());
      const { organization, user, actor } = await withAdministrator(h);
      const designate = h.gatehouse.setSsoEmergencyAdministrators(actor, {
        organizationId: organization.id,
        userIds: [user.id],
      });
      expect(await codeOf(designate)).toBe("FORBIDDEN");
      const change = h.gatehouse.upsertSsoConnection(actor, {
        organizationId: organization.id,
        issuer: h.issuer,
        clientId: "mine",
        domains: [h.domain],
      });
      expect(await codeOf(change)).toBe("FORBIDDEN");
      expect(
        (await h.gatehouse.getSsoConnection(actor, { organizationId: organization.id }))?.clientId,
      ).not.toBe("mine");
    });

    it("the client secret is sealed and never returned nor audited; a domain is one organization's", async () => {
      const h = setupSsoFlows(store());
      const { organization, connection } = await h.ssoOrg();
      expect(JSON.stringify(connection)).not.toContain("s3cret-of-the-client");
      expect(JSON.stringify(await h.auditOf(organization.id))).not.toContain("s3cret-of-the-client");
      const view = await h.gatehouse.getSsoConnection(staff, { organizationId: organization.id });
      expect(view).toEqual(connection);
      expect(view).not.toHaveProperty("clientSecretSealed");
      const other = await h.gatehouse.createOrganization(staff, { name: "Other", authMode: "sso" });
      const taken = h.gatehouse.upsertSsoConnection(staff, {
        organizationId: other.id,
        issuer: h.issuer,
        clientId: "other",
        clientSecret: "x",
        domains: [h.domain],
      });
      await expect(taken).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await h.gatehouse.getSsoConnection(staff, { organizationId: other.id })).toBeNull();
    });
  });
}
