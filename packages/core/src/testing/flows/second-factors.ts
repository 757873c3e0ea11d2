import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import { generateTotpCode } from "../../crypto/totp.js";
import type { GatehousePolicy } from "../../policy/gatehouse-policy.js";
import { definePolicy, presets } from "../../policy/presets.js";
import type { Store } from "../../store/store.js";
import { codeOf, type FlowHarness, MINUTE, setupFlows, staff } from "./setup.js";

const SECOND = 1000;

/** An administrator of a fresh organization with MFA required, enrolled with an authenticator app. */
async function enrolledAdmin(h: FlowHarness) {
  const { organization, admin } = await h.enterpriseOrg();
  await h.gatehouse.updateOrganizationSettings(staff, { organizationId: organization.id, mfa: "required" });
  const login = await h.gatehouse.login({ email: admin.email, password: admin.password });
  const enrollment = await h.gatehouse.beginTotpEnrollment({ sessionToken: login.token });
  const secret = decodeBase32IgnorePadding(enrollment.secret);
  const done = await h.gatehouse.completeTotpEnrollment({
    sessionToken: login.token,
    code: generateTotpCode(secret, h.clock.now()),
  });
  h.clock.advance(MINUTE);
  const totp = () => generateTotpCode(secret, h.clock.now());
  const signIn = () => h.gatehouse.login({ email: admin.email, password: admin.password });
  return { organization, admin, done, totp, signIn };
}

/** Enterprise with its lockout set aside (no lock, no quick-retry rule), so only the second-factor cap bites. */
function lockoutAside(overrides: Parameters<typeof definePolicy>[1] = {}): GatehousePolicy {
  return definePolicy(presets.enterprise, {
    ...overrides,
    lockout: { maxFailures: 1000, quickRetryMs: 0 },
  });
}

/**
 * Second factors on a store: single-use codes stay single-use under concurrency, and wrong codes are capped
 * per user (the counter survives new sign-ins and resets only at a complete one).
 */
export function describeSecondFactorFlows(store: () => Store): void {
  describe("second factors", () => {
    it("two parallel sign-ins with one recovery code give exactly one session", async () => {
      const s = store();
      const h = setupFlows(s);
      const { admin, done, signIn } = await enrolledAdmin(h);
      const { code } = await h.gatehouse.revealRecoveryCode({
        sessionToken: done.token,
        password: admin.password,
      });
      const signedIn = async () =>
        (await s.sessions.listByUser(admin.user.id, h.clock.now())).filter((x) => x.stage === "authenticated")
          .length;
      const before = await signedIn();
      const pending = await Promise.all([signIn(), signIn()]);
      const outcomes = await Promise.all(
        pending.map((p) =>
          codeOf(h.gatehouse.verifySecondFactor({ sessionToken: p.token, method: "recovery", code })),
        ),
      );
      expect([...outcomes].sort()).toEqual(["INVALID_CODE", "OK"]);
      expect(await signedIn()).toBe(before + 1);
    });

    it("parallel sign-ins with one backup code: exactly one gets in, the other codes still work", async () => {
      const policy = lockoutAside({ mfa: { recovery: "backup-codes", backupCodeCount: 3 } });
      const h = setupFlows(store(), { policy, presets: { enterprise: policy } });
      const { organization, admin } = await h.enterpriseOrg();
      await h.gatehouse.updateOrganizationSettings(staff, {
        organizationId: organization.id,
        mfa: "required",
      });
      const login = await h.gatehouse.login({ email: admin.email, password: admin.password });
      const enrollment = await h.gatehouse.beginTotpEnrollment({ sessionToken: login.token });
      const secret = decodeBase32IgnorePadding(enrollment.secret);
      const done = await h.gatehouse.completeTotpEnrollment({
        sessionToken: login.token,
        code: generateTotpCode(secret, h.clock.now()),
      });
      const [first, second] = done.backupCodes ?? [];
      if (!first || !second) throw new Error("no backup codes were issued");
      h.clock.advance(MINUTE);
      const pending = await Promise.all(
        Array.from({ length: 3 }, () => h.gatehouse.login({ email: admin.email, password: admin.password })),
      );
      const outcomes = await Promise.all(
        pending.map((p) =>
          codeOf(h.gatehouse.verifySecondFactor({ sessionToken: p.token, method: "recovery", code: first })),
        ),
      );
      expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
      const again = await h.gatehouse.login({ email: admin.email, password: admin.password });
      const next = await h.gatehouse.verifySecondFactor({
        sessionToken: again.token,
        method: "recovery",
        code: second,
      });
      expect(next.stage).toBe("authenticated");
    });

    it("after the cap even the right TOTP code is refused, across new sign-ins, until an administrator resets it", async () => {
      const policy = lockoutAside();
      const s = store();
      const h = setupFlows(s, { policy, presets: { enterprise: policy } });
      const { organization, admin, totp, signIn } = await enrolledAdmin(h);
      const cap = policy.mfa.maxFactorFailures;
      const answers: string[] = [];
      let pending = await signIn();
      for (let i = 0; i < cap; i++) {
        // Every third guess comes from a new sign-in: a new pending session does not reset the count.
        if (i % 3 === 2) pending = await signIn();
        answers.push(
          await codeOf(
            h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: "000000" }),
          ),
        );
        h.clock.advance(SECOND);
      }
      expect(answers.slice(0, cap - 1).every((a) => a === "INVALID_CODE")).toBe(true);
      expect(answers[cap - 1]).toBe("SECOND_FACTOR_LOCKED");
      const fresh = await signIn();
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: fresh.token, method: "totp", code: totp() }),
        ),
      ).toBe("SECOND_FACTOR_LOCKED");
      h.clock.advance(30 * 24 * 60 * MINUTE);
      const later = await signIn();
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: later.token, method: "totp", code: totp() }),
        ),
      ).toBe("SECOND_FACTOR_LOCKED");

      const colleague = await h.onboard(organization.id, admin.actor, "viewer", ["callback.viewer"]);
      expect(
        await codeOf(h.gatehouse.resetSecondFactorLock(colleague.actor, { userId: admin.user.id })),
      ).toBe("FORBIDDEN");
      const other = await setupFlows(s).enterpriseOrg();
      expect(
        await codeOf(h.gatehouse.resetSecondFactorLock(other.admin.actor, { userId: admin.user.id })),
      ).toBe("NOT_FOUND");
      await h.gatehouse.resetSecondFactorLock(staff, { userId: admin.user.id });
      const after = await signIn();
      const signedIn = await h.gatehouse.verifySecondFactor({
        sessionToken: after.token,
        method: "totp",
        code: totp(),
      });
      expect(signedIn.stage).toBe("authenticated");

      const log = await h.gatehouse.listAuditLog(staff, {
        organizationId: organization.id,
        userId: admin.user.id,
        limit: 200,
      });
      const actions = log.items.map((entry) => entry.action);
      expect(actions.filter((a) => a === "mfa.factor-locked")).toHaveLength(1);
      expect(log.items.find((e) => e.action === "mfa.factor-lock-reset")?.actor.id).toBe("staff-1");
    });

    it("a complete sign-in resets the count: cap - 1 failures, a right code, cap - 1 failures, a right code", async () => {
      const policy = lockoutAside();
      const h = setupFlows(store(), { policy, presets: { enterprise: policy } });
      const { totp, signIn } = await enrolledAdmin(h);
      const cap = policy.mfa.maxFactorFailures;
      for (let round = 0; round < 2; round++) {
        const pending = await signIn();
        for (let i = 0; i < cap - 1; i++) {
          expect(
            await codeOf(
              h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: "000000" }),
            ),
          ).toBe("INVALID_CODE");
        }
        const done = await h.gatehouse.verifySecondFactor({
          sessionToken: pending.token,
          method: "totp",
          code: totp(),
        });
        expect(done.stage).toBe("authenticated");
        h.clock.advance(MINUTE);
      }
    });

    it("a right password with a wrong code e-mails the user once per pending sign-in", async () => {
      const policy = lockoutAside();
      const h = setupFlows(store(), { policy, presets: { enterprise: policy } });
      const { admin, signIn } = await enrolledAdmin(h);
      const warnings = () =>
        h.mailer.messages.filter((m) => m.message.kind === "second-factor-failed" && m.to === admin.email);
      const first = await signIn();
      await Promise.all(
        Array.from({ length: 3 }, () =>
          codeOf(
            h.gatehouse.verifySecondFactor({ sessionToken: first.token, method: "totp", code: "000000" }),
          ),
        ),
      );
      expect(warnings()).toHaveLength(1);
      const second = await signIn();
      await codeOf(
        h.gatehouse.verifySecondFactor({ sessionToken: second.token, method: "totp", code: "000000" }),
      );
      await codeOf(
        h.gatehouse.verifySecondFactor({ sessionToken: second.token, method: "totp", code: "000000" }),
      );
      expect(warnings()).toHaveLength(2);
      expect(warnings()[0]?.text).toContain("authenticator code");
    });

    it("parallel wrong codes never check more than the cap: of 30 at once, 2 short of it, 2 are checked", async () => {
      const policy = lockoutAside();
      const h = setupFlows(store(), { policy, presets: { enterprise: policy } });
      const { organization, admin, totp, signIn } = await enrolledAdmin(h);
      const cap = policy.mfa.maxFactorFailures;
      const pending = await signIn();
      for (let i = 0; i < cap - 2; i++) {
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: "000000" }),
        );
      }
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, () =>
          codeOf(
            h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "totp", code: "000000" }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "INVALID_CODE")).toHaveLength(1);
      expect(
        outcomes.every((o) => ["INVALID_CODE", "SECOND_FACTOR_LOCKED", "RATE_LIMITED"].includes(o)),
      ).toBe(true);
      const log = await h.gatehouse.listAuditLog(staff, {
        organizationId: organization.id,
        userId: admin.user.id,
        limit: 200,
      });
      // One "login.failed" per code actually checked and found wrong.
      expect(log.items.filter((e) => e.action === "login.failed")).toHaveLength(cap);
      const fresh = await signIn();
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: fresh.token, method: "totp", code: totp() }),
        ),
      ).toBe("SECOND_FACTOR_LOCKED");
    });
  });
}
