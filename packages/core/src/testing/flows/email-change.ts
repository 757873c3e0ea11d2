import { describe, expect, it } from "vitest";
import { definePolicy, presets } from "../../policy/presets.js";
import { loginAttemptKey } from "../../service/attempts.js";
import type { Store } from "../../store/store.js";
import { linkTokenFor } from "../service-helpers.js";
import { codeOf, MINUTE, setupFlows, staff, system } from "./setup.js";

/** The error a call rejects with (its `code` and `details`), or a failure of the test if it resolves. */
async function errorOf(call: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error("the call succeeded");
}

/**
 * An e-mail change on a store: everything mailed to the old address stops working, a resend reaches the new
 * one, the user's own change needs their password, and a lock and its counter follow the person.
 */
export function describeEmailChangeFlows(store: () => Store): void {
  describe("e-mail change flows", () => {
    it("the temporary password mailed to a mistyped address dies with the correction; only the resend to the new address signs in", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const jhon = `jhon@${h.domain}`;
      const john = `john@${h.domain}`;
      const { users } = await h.gatehouse.inviteUsers(admin.actor, {
        organizationId: organization.id,
        emails: jhon,
        roles: ["platform.administrator"],
      });
      const id = users[0]?.id as string;
      const mistyped = h.temporaryPassword(jhon);
      await h.gatehouse.updateUser(admin.actor, { userId: id, email: john });

      expect(await codeOf(h.gatehouse.login({ email: john, password: mistyped }))).toBe(
        "INVALID_CREDENTIALS",
      );
      h.clock.advance(5_000);
      const resent = await h.gatehouse.resendInvitation(admin.actor, { userId: id });
      expect(resent).toMatchObject({ email: john, userId: id, delivered: true });
      const fresh = h.temporaryPassword(john);
      expect(fresh).not.toBe(mistyped);
      expect(await codeOf(h.gatehouse.login({ email: john, password: mistyped }))).toBe(
        "INVALID_CREDENTIALS",
      );
      h.clock.advance(5_000);
      const first = await h.gatehouse.login({ email: john, password: fresh });
      expect(first.stage).toBe("password-change");
      const signedIn = await h.gatehouse.changePassword({
        sessionToken: first.token,
        newPassword: "amber lantern over a quiet river",
      });
      expect(signedIn.stage).toBe("authenticated");
      // The mistyped address got its invitation and a notice, and nothing else.
      const toJhon = h.mailer.messages.filter((mail) => mail.to === jhon).map((mail) => mail.message.kind);
      expect(toJhon).toEqual(["invitation", "email-changed"]);
    });

    it("a reset link mailed to the old address is refused once the address changes", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      await h.gatehouse.requestPasswordReset({ email: ann.email });
      await h.gatehouse.flush();
      const stale = h.resetToken(ann.email);
      const moved = `ann.new@${h.domain}`;
      await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, email: moved });
      const refused = h.gatehouse.resetPassword({ token: stale, password: "an attacker's own passphrase" });
      expect(await codeOf(refused)).toBe("TOKEN_INVALID");
      expect((await h.gatehouse.login({ email: moved, password: ann.password })).stage).toBe("authenticated");
      // A link asked for after the change goes to the new address, and works.
      await h.gatehouse.issuePasswordReset(admin.actor, { userId: ann.user.id });
      const password = "a brand new passphrase for ann";
      await h.gatehouse.resetPassword({ token: h.resetToken(moved), password });
      h.clock.advance(5_000);
      expect((await h.gatehouse.login({ email: moved, password })).stage).toBe("authenticated");
    });

    it("an activation link mailed to the old address is refused; the resend's link activates (team preset)", async () => {
      const team = definePolicy(presets.team, { emailChange: "relogin" });
      const h = setupFlows(store(), { presets: { team } });
      const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
      const old = `pat@${h.domain}`;
      const corrected = `pat.smith@${h.domain}`;
      const { users } = await h.gatehouse.addUser(system, {
        organizationId: organization.id,
        email: old,
        givenName: "Pat",
        roles: ["platform.administrator"],
      });
      const id = users[0]?.id as string;
      const stale = linkTokenFor(h.mailer, old, "activation");
      await h.gatehouse.updateUser(system, { userId: id, email: corrected });
      const password = "violet harbor lamp post";
      expect(await codeOf(h.gatehouse.activateAccount({ token: stale, password }))).toBe("TOKEN_INVALID");
      const resent = await h.gatehouse.resendInvitation(system, { userId: id });
      expect(resent).toMatchObject({ email: corrected, delivered: true });
      const activated = await h.gatehouse.activateAccount({
        token: linkTokenFor(h.mailer, corrected, "activation"),
        password,
      });
      expect(activated).toMatchObject({ email: corrected, status: "active" });
      expect((await h.gatehouse.login({ email: corrected, password })).stage).toBe("mfa-enrollment");
    });

    it("a locked user's e-mail change keeps the lock until its original end, and the counter", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      for (const expected of ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "ACCOUNT_LOCKED"]) {
        expect(await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }))).toBe(expected);
        h.clock.advance(5_000);
      }
      const lockedUntil = new Date(h.clock.now().getTime() - 5_000 + 30 * MINUTE);
      h.clock.advance(10 * MINUTE);
      const moved = `ann.new@${h.domain}`;
      await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, email: moved });

      const refused = await errorOf(h.gatehouse.login({ email: moved, password: ann.password }));
      expect(refused.code).toBe("ACCOUNT_LOCKED");
      expect(refused.details.retryAt).toEqual(lockedUntil);
      h.clock.set(new Date(lockedUntil.getTime() - 1_000));
      expect(await codeOf(h.gatehouse.login({ email: moved, password: ann.password }))).toBe(
        "ACCOUNT_LOCKED",
      );
      // The lock ends on time; the counter came along, so one more failure locks again.
      h.clock.set(lockedUntil);
      expect(await codeOf(h.gatehouse.login({ email: moved, password: "wrong" }))).toBe("ACCOUNT_LOCKED");
      h.clock.advance(30 * MINUTE);
      expect((await h.gatehouse.login({ email: moved, password: ann.password })).stage).toBe("authenticated");
    });

    it("changing one's own e-mail needs the current password, and a wrong one counts as a failure", async () => {
      const s = store();
      const h = setupFlows(s);
      const { admin } = await h.enterpriseOrg();
      const moved = `admin.new@${h.domain}`;
      const failures = async () => (await s.attempts.get(loginAttemptKey(admin.email))).state.failures;

      const missing = await errorOf(
        h.gatehouse.updateUser(admin.actor, { userId: admin.user.id, email: moved }),
      );
      expect(missing.code).toBe("VALIDATION");
      expect(missing.details.issues).toEqual([expect.objectContaining({ path: ["currentPassword"] })]);
      const wrong = h.gatehouse.updateUser(admin.actor, {
        userId: admin.user.id,
        email: moved,
        currentPassword: "not my password",
      });
      expect(await codeOf(wrong)).toBe("INVALID_CREDENTIALS");
      expect(await failures()).toBe(1);
      expect((await h.gatehouse.getUser(admin.actor, { userId: admin.user.id })).email).toBe(admin.email);
      expect(await h.gatehouse.validateSession({ sessionToken: admin.session.token })).not.toBeNull();

      h.clock.advance(5_000);
      const updated = await h.gatehouse.updateUser(admin.actor, {
        userId: admin.user.id,
        email: moved,
        currentPassword: admin.password,
      });
      expect(updated.email).toBe(moved);
      expect(await h.gatehouse.validateSession({ sessionToken: admin.session.token })).toBeNull();
      // Confirming is not a sign-in: the failure it followed still counts, on the new address too.
      expect((await s.attempts.get(loginAttemptKey(moved))).state.failures).toBe(1);
      expect((await h.gatehouse.login({ email: moved, password: admin.password })).stage).toBe(
        "authenticated",
      );
    });

    it("the audit log says the address changed and what was revoked; the old address's notice does not name the new one", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      await h.gatehouse.requestPasswordReset({ email: ann.email });
      await h.gatehouse.flush();
      const moved = `ann.new@${h.domain}`;
      await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, email: moved });

      const notice = h.mailer.lastTo(ann.email, "email-changed");
      expect(notice).not.toBeNull();
      for (const part of [notice?.subject, notice?.text, notice?.html, JSON.stringify(notice?.message)]) {
        expect(part).not.toContain(moved);
        expect(part).not.toContain("ann.new");
      }
      expect(h.mailer.messages.filter((mail) => mail.to === moved)).toEqual([]);

      const log = await h.gatehouse.listAuditLog(admin.actor, {
        organizationId: organization.id,
        userId: ann.user.id,
      });
      const changed = log.items.find((entry) => entry.action === "user.email-changed");
      expect(changed?.details).toMatchObject({ from: ann.email, to: moved });
      const revoked = log.items.find((entry) => entry.action === "user.secrets-revoked");
      expect(revoked?.actor.id).toBe(admin.user.id);
      expect(revoked?.details).toMatchObject({
        reason: "email-changed",
        sessions: 1,
        temporaryPassword: false,
        tokens: { "password-reset": 1 },
      });
    });
  });
}
