import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import { generateTotpCode } from "../../crypto/totp.js";
import type { Store } from "../../store/store.js";
import { linkTokenFor } from "../service-helpers.js";
import { codeOf, type FlowHarness, setupFlows, staff, system } from "./setup.js";

const SECOND = 1000;

/** The audit entries of the organization with this action, oldest first. */
async function entries(h: FlowHarness, organizationId: string, action: string) {
  await h.gatehouse.flush();
  const page = await h.gatehouse.listAuditLog(staff, { organizationId, limit: 100 });
  return page.items.filter((entry) => entry.action === action).reverse();
}

/** Ann, a Callback viewer of a new enterprise organization, signed in with her own password. */
async function withAnn(h: FlowHarness) {
  const { organization, admin } = await h.enterpriseOrg();
  const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
  return { organization, admin, ann };
}

/** Ann with an authenticator app enrolled: her next sign-in stops at the `mfa` stage. */
async function withTotp(h: FlowHarness) {
  const found = await withAnn(h);
  const enrollment = await h.gatehouse.beginTotpEnrollment({
    sessionToken: found.ann.session.token,
    password: found.ann.password,
  });
  const secret = decodeBase32IgnorePadding(enrollment.secret);
  const done = await h.gatehouse.completeTotpEnrollment({
    sessionToken: found.ann.session.token,
    code: generateTotpCode(secret, h.clock.now()),
  });
  h.clock.advance(60 * SECOND);
  const wrongCode = (): string =>
    generateTotpCode(secret, h.clock.now()) === "000000" ? "111111" : "000000";
  return { ...found, secret, session: done, wrongCode };
}

/**
 * Every lock is audited once, on every path that can lock (the attempt gate writes `account.locked`), and a
 * refused settings change writes nothing: authorization comes before any write.
 */
export function describeAuditAndSettingsFlows(store: () => Store): void {
  describe("audit and settings flows", () => {
    it("three wrong passwords: exactly one account.locked, naming the rule and the lock's end", async () => {
      const h = setupFlows(store());
      const { organization, ann } = await withAnn(h);
      for (const _ of [1, 2, 3]) {
        await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }));
        h.clock.advance(5 * SECOND);
      }
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: ann.password }))).toBe(
        "ACCOUNT_LOCKED",
      );
      const locked = await entries(h, organization.id, "account.locked");
      expect(locked).toHaveLength(1);
      expect(locked[0]).toMatchObject({
        subjectUserId: ann.user.id,
        details: { rule: "max-failures", lockedUntil: expect.any(String) },
      });
    });

    it("a retry within 3 s of a failure: exactly one account.locked, rule quick-retry", async () => {
      const h = setupFlows(store());
      const { organization, ann } = await withAnn(h);
      await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }));
      h.clock.advance(1 * SECOND);
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: ann.password }))).toBe(
        "ACCOUNT_LOCKED",
      );
      h.clock.advance(1 * SECOND);
      await codeOf(h.gatehouse.login({ email: ann.email, password: ann.password }));
      const locked = await entries(h, organization.id, "account.locked");
      expect(locked).toHaveLength(1);
      const lockedUntil = new Date(h.clock.now().getTime() - SECOND + 30 * 60 * SECOND).toISOString();
      expect(locked[0]).toMatchObject({
        subjectUserId: ann.user.id,
        details: { rule: "quick-retry", lockedUntil },
      });
    });

    it("ten wrong passwords at once: one lock, one account.locked", async () => {
      const h = setupFlows(store());
      const { organization, ann } = await withAnn(h);
      await Promise.all(
        Array.from({ length: 10 }, () => codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }))),
      );
      h.clock.advance(5 * SECOND);
      for (const _ of [1, 2, 3]) {
        await codeOf(h.gatehouse.login({ email: ann.email, password: "wrong" }));
        h.clock.advance(5 * SECOND);
      }
      expect(await codeOf(h.gatehouse.login({ email: ann.email, password: ann.password }))).toBe(
        "ACCOUNT_LOCKED",
      );
      expect(await entries(h, organization.id, "account.locked")).toHaveLength(1);
    });

    it("wrong second-factor codes: exactly one account.locked, rule max-failures", async () => {
      const h = setupFlows(store());
      const t = await withTotp(h);
      for (const _ of [1, 2, 3]) {
        const pending = await h.gatehouse.login({ email: t.ann.email, password: t.ann.password });
        expect(pending.stage).toBe("mfa");
        h.clock.advance(5 * SECOND);
        await codeOf(
          h.gatehouse.verifySecondFactor({
            sessionToken: pending.token,
            method: "totp",
            code: t.wrongCode(),
          }),
        );
        h.clock.advance(5 * SECOND);
      }
      const locked = await entries(h, t.organization.id, "account.locked");
      expect(locked).toHaveLength(1);
      expect(locked[0]).toMatchObject({ subjectUserId: t.ann.user.id, details: { rule: "max-failures" } });
    });

    it("a quick retry of a second-factor code: exactly one account.locked, rule quick-retry", async () => {
      const h = setupFlows(store());
      const t = await withTotp(h);
      const pending = await h.gatehouse.login({ email: t.ann.email, password: t.ann.password });
      h.clock.advance(5 * SECOND);
      await codeOf(
        h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: t.wrongCode() }),
      );
      h.clock.advance(1 * SECOND);
      const right = generateTotpCode(t.secret, h.clock.now());
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: right }),
        ),
      ).toBe("ACCOUNT_LOCKED");
      const locked = await entries(h, t.organization.id, "account.locked");
      expect(locked).toHaveLength(1);
      expect(locked[0]).toMatchObject({ subjectUserId: t.ann.user.id, details: { rule: "quick-retry" } });
    });

    it("wrong passwords to show the recovery code: exactly one account.locked", async () => {
      const h = setupFlows(store());
      const t = await withTotp(h);
      for (const _ of [1, 2, 3]) {
        await codeOf(h.gatehouse.revealRecoveryCode({ sessionToken: t.session.token, password: "wrong" }));
        h.clock.advance(5 * SECOND);
      }
      expect(
        await codeOf(
          h.gatehouse.revealRecoveryCode({ sessionToken: t.session.token, password: t.ann.password }),
        ),
      ).toBe("ACCOUNT_LOCKED");
      const locked = await entries(h, t.organization.id, "account.locked");
      expect(locked).toHaveLength(1);
      expect(locked[0]).toMatchObject({ subjectUserId: t.ann.user.id, details: { rule: "max-failures" } });
    });

    it("a Viewer's refused settings change leaves the settings and the audit log unchanged", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const viewer = await h.onboard(organization.id, admin.actor, "vic", ["platform.viewer"]);
      // The onboarding's sign-in entries are in the durable log first (an outbox's drain gathers a moment).
      await h.gatehouse.flush();
      const before = await h.gatehouse.listAuditLog(staff, { organizationId: organization.id, limit: 100 });
      for (const change of [{ mfa: "off" }, { mfa: "required" }, {}] as const) {
        expect(
          await codeOf(
            h.gatehouse.updateOrganizationSettings(viewer.actor, {
              organizationId: organization.id,
              ...change,
            }),
          ),
        ).toBe("FORBIDDEN");
      }
      expect(
        (await h.gatehouse.getOrganization(staff, { organizationId: organization.id })).settings,
      ).toEqual(organization.settings);
      const after = await h.gatehouse.listAuditLog(staff, { organizationId: organization.id, limit: 100 });
      expect(after.items).toEqual(before.items);
    });

    it("a team cannot be created without 2FA, nor set off later; its users are sent to enrolment", async () => {
      const h = setupFlows(store());
      for (const mfa of ["off", "optional"] as const) {
        const refused = h.gatehouse.createOrganization(staff, { name: "Team", preset: "team", mfa });
        await expect(refused).rejects.toMatchObject({
          code: "NOT_SUPPORTED",
          details: { issues: [{ path: ["mfa"], reason: "fixed-by-plan" }] },
        });
      }
      const team = await h.gatehouse.createOrganization(staff, {
        name: "Team",
        preset: "team",
        mfa: "required",
      });
      expect(team.settings.mfa).toBe("required");
      expect(
        await codeOf(h.gatehouse.updateOrganizationSettings(staff, { organizationId: team.id, mfa: "off" })),
      ).toBe("NOT_SUPPORTED");
      const email = `tess@${h.domain}`;
      await h.gatehouse.addUser(system, {
        organizationId: team.id,
        email,
        givenName: "Tess",
        roles: ["platform.viewer"],
      });
      const password = "lantern orbit quiet meadow";
      await h.gatehouse.activateAccount({ token: linkTokenFor(h.mailer, email, "activation"), password });
      expect((await h.gatehouse.login({ email, password })).stage).toBe("mfa-enrollment");
    });

    it("a team stored without 2FA (before the rule) can be put back to required, and only there", async () => {
      const s = store();
      const h = setupFlows(s);
      const team = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
      await s.organizations.update(team.id, {
        settings: { ...team.settings, mfa: "off" },
        updatedAt: new Date(),
      });
      expect(
        await codeOf(
          h.gatehouse.updateOrganizationSettings(staff, { organizationId: team.id, mfa: "optional" }),
        ),
      ).toBe("NOT_SUPPORTED");
      const fixed = await h.gatehouse.updateOrganizationSettings(staff, {
        organizationId: team.id,
        mfa: "required",
      });
      expect(fixed.settings.mfa).toBe("required");
    });

    it("a team stored without 2FA (before the rule) still sends its users to enrolment: the plan decides", async () => {
      const s = store();
      const h = setupFlows(s);
      const team = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
      await s.organizations.update(team.id, {
        settings: { ...team.settings, mfa: "off" },
        updatedAt: new Date(),
      });
      const email = `otto@${h.domain}`;
      await h.gatehouse.addUser(system, { organizationId: team.id, email, roles: ["platform.viewer"] });
      const password = "lantern orbit quiet meadow";
      await h.gatehouse.activateAccount({ token: linkTokenFor(h.mailer, email, "activation"), password });
      expect((await h.gatehouse.login({ email, password })).stage).toBe("mfa-enrollment");
    });

    it("enterprise: staff choose any MFA requirement at creation and later; a setting left as it is writes nothing", async () => {
      const h = setupFlows(store());
      for (const mfa of ["off", "optional", "required"] as const) {
        const org = await h.gatehouse.createOrganization(staff, { name: "Acme", preset: "enterprise", mfa });
        expect(org.settings.mfa).toBe(mfa);
      }
      const org = await h.gatehouse.createOrganization(staff, { name: "Acme", preset: "enterprise" });
      expect(org.settings.mfa).toBe("off");
      expect(
        (await h.gatehouse.updateOrganizationSettings(staff, { organizationId: org.id, mfa: "optional" }))
          .settings.mfa,
      ).toBe("optional");
      const before = await h.gatehouse.listAuditLog(staff, { organizationId: org.id, limit: 100 });
      await h.gatehouse.updateOrganizationSettings(staff, { organizationId: org.id, mfa: "optional" });
      const after = await h.gatehouse.listAuditLog(staff, { organizationId: org.id, limit: 100 });
      expect(after.items).toEqual(before.items);
    });
  });
}
