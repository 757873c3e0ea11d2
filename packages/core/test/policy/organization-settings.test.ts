import { describe, expect, it } from "vitest";
import { decideSettingsChange, organizationSettingsIssues } from "../../src/policy/organization-settings.js";
import { definePolicy, presets } from "../../src/policy/presets.js";

const base = { mfa: "required", authMode: "password", provisioning: "members-only" } as const;

describe("organization settings (pure)", () => {
  it("team: 2FA is fixed at required by the plan, at creation as at any update", () => {
    expect(organizationSettingsIssues(base, presets.team)).toEqual([]);
    for (const mfa of ["off", "optional"] as const) {
      expect(organizationSettingsIssues({ ...base, mfa }, presets.team)).toEqual([
        expect.objectContaining({ path: ["mfa"], reason: "fixed-by-plan" }),
      ]);
      for (const requester of ["staff", "system", "member"] as const) {
        expect(decideSettingsChange(base, { mfa }, presets.team, requester)).toMatchObject({
          kind: "refused",
          code: "NOT_SUPPORTED",
        });
      }
    }
  });

  it("team stored off before the rule: back to required is allowed, other fields still change", () => {
    const stuck = { ...base, mfa: "off" } as const;
    expect(decideSettingsChange(stuck, { mfa: "required" }, presets.team, "staff")).toEqual({
      kind: "allowed",
      settings: base,
      changed: true,
    });
    expect(decideSettingsChange(stuck, { authMode: "sso" }, presets.team, "staff")).toMatchObject({
      kind: "allowed",
      changed: true,
    });
  });

  it("enterprise: any requirement by staff or the system, none by a member", () => {
    const off = { mfa: "off", authMode: "password", provisioning: "invite" } as const;
    for (const mfa of ["off", "optional", "required"] as const) {
      expect(organizationSettingsIssues({ ...off, mfa }, presets.enterprise)).toEqual([]);
      expect(decideSettingsChange(off, { mfa }, presets.enterprise, "staff").kind).toBe("allowed");
    }
    expect(decideSettingsChange(off, { mfa: "required" }, presets.enterprise, "member")).toMatchObject({
      kind: "refused",
      code: "FORBIDDEN",
      issues: [{ path: ["mfa"], reason: "staff-only" }],
    });
  });

  it("a member may set the requirement where the plan gives it to them, never sign-in mode or provisioning", () => {
    const policy = definePolicy(presets.enterprise, { mfa: { whoSetsRequirement: "member-admin" } });
    const off = { mfa: "off", authMode: "password", provisioning: "invite" } as const;
    expect(decideSettingsChange(off, { mfa: "required" }, policy, "member").kind).toBe("allowed");
    expect(
      decideSettingsChange(off, { authMode: "sso", provisioning: "external" }, policy, "member"),
    ).toMatchObject({
      kind: "refused",
      code: "FORBIDDEN",
      issues: [{ path: ["authMode"] }, { path: ["provisioning"] }],
    });
  });

  it("a change to the current values is allowed and reports no change", () => {
    expect(decideSettingsChange(base, { mfa: "required" }, presets.team, "member")).toEqual({
      kind: "allowed",
      settings: base,
      changed: false,
    });
  });

  it("MFA needs a factor to enrol", () => {
    const policy = definePolicy(presets.enterprise, { mfa: { factors: [] } });
    const off = { mfa: "off", authMode: "password", provisioning: "invite" } as const;
    expect(organizationSettingsIssues({ ...off, mfa: "optional" }, policy)).toEqual([
      expect.objectContaining({ path: ["mfa"], reason: "no-factor" }),
    ]);
  });
});
