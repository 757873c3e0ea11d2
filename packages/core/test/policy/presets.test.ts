import { describe, expect, test } from "vitest";
import {
  type DeepPartial,
  definePolicy,
  type GatehousePolicy,
  presets,
  validatePolicy,
} from "../../src/policy/index.js";
import { day, hour, minute, second } from "./lockout-helpers.js";

describe("presets", () => {
  test("the enterprise preset follows seed 000", () => {
    const p = presets.enterprise;
    expect(p.lockout).toMatchObject({
      maxFailures: 3,
      lockDurationMs: 30 * minute,
      quickRetryMs: 3 * second,
    });
    expect(p.lockout).toMatchObject({
      failureWindowMs: null,
      adminUnlock: false,
      progressiveDelay: null,
      revealLocked: true,
    });
    expect(p.session).toMatchObject({ idleTimeoutMs: 15 * minute, absoluteLifetimeMs: 12 * hour });
    expect(p.tokens).toMatchObject({ passwordResetTtlMs: 30 * minute, invitationTtlMs: 7 * day });
    expect(p.mfa).toMatchObject({
      factors: ["totp"],
      recovery: "single-code",
      whoSetsRequirement: "staff",
      defaultRequirement: "off",
    });
    expect(p).toMatchObject({
      emailChange: "relogin",
      removal: "delete",
      onboarding: "temporary-password",
      provisioning: "invite",
    });
  });

  test("the team preset follows seed 003", () => {
    const p = presets.team;
    expect(p.lockout).toMatchObject({
      maxFailures: 5,
      quickRetryMs: 0,
      failureWindowMs: 15 * minute,
      adminUnlock: true,
    });
    expect(p.tokens.passwordResetTtlMs).toBe(30 * minute);
    expect(p.mfa).toMatchObject({ factors: ["sms", "totp"], recovery: "backup-codes", backupCodeCount: 10 });
    expect(p.mfa).toMatchObject({ whoSetsRequirement: "nobody", defaultRequirement: "required" });
    expect(p).toMatchObject({
      emailChange: "forbidden",
      removal: "remove",
      onboarding: "activation-link",
      provisioning: "members-only",
    });
  });

  test("both presets are valid", () => {
    expect(() => validatePolicy(presets.enterprise)).not.toThrow();
    expect(() => validatePolicy(presets.team)).not.toThrow();
  });

  test("presets are deep-frozen", () => {
    expect(Object.isFrozen(presets)).toBe(true);
    expect(Object.isFrozen(presets.enterprise.lockout)).toBe(true);
    expect(Object.isFrozen(presets.team.mfa.factors)).toBe(true);
    expect(Object.isFrozen(presets.team.lockout.progressiveDelay)).toBe(true);
    expect(() => {
      (presets.enterprise.lockout as { maxFailures: number }).maxFailures = 100;
    }).toThrow(TypeError);
  });
});

describe("definePolicy", () => {
  test("merges overrides at any depth and leaves the base untouched", () => {
    const policy = definePolicy(presets.enterprise, {
      lockout: { adminUnlock: true },
      session: { idleTimeoutMs: 5 * minute },
    });
    expect(policy.lockout).toMatchObject({ adminUnlock: true, maxFailures: 3, lockDurationMs: 30 * minute });
    expect(policy.session).toMatchObject({ idleTimeoutMs: 5 * minute, absoluteLifetimeMs: 12 * hour });
    expect(presets.enterprise.lockout.adminUnlock).toBe(false);
    expect(Object.isFrozen(policy.lockout)).toBe(true);
  });

  test("replaces arrays and nullable objects whole", () => {
    const delay = { baseMs: 500, factor: 3, maxMs: 10 * second };
    const policy = definePolicy(presets.team, {
      mfa: { factors: ["totp"] },
      lockout: { progressiveDelay: delay },
    });
    expect(policy.mfa.factors).toEqual(["totp"]);
    expect(policy.lockout.progressiveDelay).toEqual(delay);
    expect(Object.isFrozen(delay)).toBe(false);
    expect(
      definePolicy(presets.team, { lockout: { progressiveDelay: null } }).lockout.progressiveDelay,
    ).toBeNull();
  });

  test("throws a CONFIGURATION error listing every bad value with its path", () => {
    const overrides: DeepPartial<GatehousePolicy> = {
      lockout: { maxFailures: 0 },
      session: { idleTimeoutMs: Number.POSITIVE_INFINITY },
    };
    expect(() => definePolicy(presets.enterprise, overrides)).toThrow(
      expect.objectContaining({
        code: "CONFIGURATION",
        message: expect.stringContaining("at lockout.maxFailures"),
        details: {
          issues: [
            expect.objectContaining({ path: ["lockout", "maxFailures"] }),
            expect.objectContaining({ path: ["session", "idleTimeoutMs"] }),
          ],
        },
      }),
    );
  });

  test("refuses an unknown option rather than ignoring it", () => {
    const misspelt = { lockout: { maxFailure: 5 } } as DeepPartial<GatehousePolicy>;
    expect(() => definePolicy(presets.enterprise, misspelt)).toThrow(
      expect.objectContaining({
        details: {
          issues: [expect.objectContaining({ path: ["lockout", "maxFailure"], reason: "unknown-option" })],
        },
      }),
    );
  });

  test("refuses a value outside an option's choices", () => {
    const overrides = { removal: "archive" } as unknown as DeepPartial<GatehousePolicy>;
    expect(() => definePolicy(presets.team, overrides)).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});
