import { describe, expect, it } from "vitest";
import type { Store } from "../../store/store.js";
import { codeOf, MINUTE, setupFlows } from "./setup.js";

/**
 * The service's flows end to end on a store: what the conformance suite cannot see (invitation batches,
 * lockout, e-mail change, the last administrator, reset links). Run it next to `describeStoreConformance`.
 */
export function describeCoreFlows(store: () => Store): void {
  describe("core flows", () => {
    it("an invitation batch with one registered address creates nobody, then the corrected batch signs in", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const taken = admin.email;
      const batch = `ann@${h.domain}, bob@${h.domain}; ${taken}`;
      const refused = h.gatehouse.inviteUsers(admin.actor, {
        organizationId: organization.id,
        emails: batch,
        roles: ["callback.viewer"],
      });
      await expect(refused).rejects.toMatchObject({ code: "CONFLICT" });
      const listed = await h.gatehouse.listUsers(admin.actor, { organizationId: organization.id });
      expect(listed.items.map((user) => user.email)).toEqual([admin.email]);
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).not.toBeNull();
    });

    it("three wrong passwords lock the account for 30 minutes; the lock ends on time", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }))).toBe(
        "INVALID_CREDENTIALS",
      );
      h.clock.advance(5_000);
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }))).toBe(
        "INVALID_CREDENTIALS",
      );
      h.clock.advance(5_000);
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }))).toBe("ACCOUNT_LOCKED");
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: ann.password }))).toBe(
        "ACCOUNT_LOCKED",
      );
      h.clock.advance(30 * MINUTE);
      expect((await h.gatehouse.login({ email: ann.email, password: ann.password })).stage).toBe(
        "authenticated",
      );
    });

    it("an e-mail change ends the sessions; removal keeps the audit trail of who removed whom", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      await h.gatehouse.updateUser(admin.actor, {
        userId: ann.user.id,
        email: `ann.new@${h.domain}`,
        roles: ["callback.manager"],
      });
      expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).toBeNull();
      await h.gatehouse.removeUser(admin.actor, { userId: ann.user.id });
      await expect(h.gatehouse.getUser(admin.actor, { userId: ann.user.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const log = await h.gatehouse.listAuditLog(admin.actor, {
        organizationId: organization.id,
        userId: ann.user.id,
      });
      const actions = log.items.map((entry) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(["user.removed", "user.email-changed", "user.invited"]));
      expect(log.items.find((entry) => entry.action === "user.removed")?.actor.id).toBe(admin.user.id);
    });

    it("the last administrator can be neither removed nor demoted", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const other = await h.onboard(organization.id, admin.actor, "other", ["platform.administrator"]);
      await h.gatehouse.removeUser(admin.actor, { userId: other.user.id });
      const demotion = h.gatehouse.updateUser(admin.actor, {
        userId: admin.user.id,
        roles: ["callback.viewer"],
      });
      expect(await codeOf(demotion)).toBe("LAST_ADMINISTRATOR");
      expect(await codeOf(h.gatehouse.removeUser(admin.actor, { userId: admin.user.id }))).not.toBe("OK");
    });

    it("a reset link works once, ends every session and does not sign the user in", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      await h.gatehouse.requestPasswordReset({ email: ann.email });
      await h.gatehouse.flush();
      const token = h.resetToken(ann.email);
      const password = "a brand new passphrase for ann";
      await h.gatehouse.resetPassword({ token, password });
      expect(await codeOf(h.gatehouse.resetPassword({ token, password: "yet another passphrase" }))).not.toBe(
        "OK",
      );
      expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).toBeNull();
      expect((await h.gatehouse.login({ email: ann.email, password })).stage).toBe("authenticated");
    });
  });
}
