import type { Issue } from "../errors.js";
import type { GatehousePolicy } from "./gatehouse-policy.js";
import type { MfaRequirement } from "./mfa.js";

/** The settings of an organization that a call may choose, at creation or later. */
export interface ChosenSettings {
  readonly mfa: MfaRequirement;
  readonly authMode: GatehousePolicy["authMode"];
  readonly provisioning: GatehousePolicy["provisioning"];
}

/** Who asks for a settings change: a member of the organization, platform staff, or the system. */
export type SettingsRequester = "member" | "staff" | "system";

/** Whether a settings change may go ahead, and the settings it leaves; a refusal names each field. */
export type SettingsDecision =
  | { kind: "allowed"; settings: ChosenSettings; changed: boolean }
  | { kind: "refused"; code: "FORBIDDEN" | "NOT_SUPPORTED"; message: string; issues: Issue[] };

/**
 * What an organization's plan does not allow, whoever asks: with the requirement fixed by the plan (team:
 * "All users are required to use 2FA"), any other MFA value; MFA with no factor to enrol. The same rules hold
 * at creation and at every update, so no organization starts where it could not be put back.
 */
export function organizationSettingsIssues(settings: ChosenSettings, policy: GatehousePolicy): Issue[] {
  const issues: Issue[] = [];
  const mfa = policy.mfa;
  if (mfa.whoSetsRequirement === "nobody" && settings.mfa !== mfa.defaultRequirement) {
    issues.push({
      path: ["mfa"],
      reason: "fixed-by-plan",
      message: `This organization's plan fixes multi-factor authentication at "${mfa.defaultRequirement}".`,
    });
  } else if (settings.mfa !== "off" && mfa.factors.length === 0) {
    issues.push({
      path: ["mfa"],
      reason: "no-factor",
      message: "The plan offers no second factor to enrol.",
    });
  }
  return issues;
}

/**
 * The MFA requirement a sign-in applies: the plan's own where the plan fixes it, whatever an organization
 * stored before that rule says (seed 003: "All users are required to use 2FA"), else the organization's.
 * @example effectiveMfaRequirement({ mfa: "off" }, presets.team) // "required"
 */
export function effectiveMfaRequirement(
  settings: Pick<ChosenSettings, "mfa">,
  policy: GatehousePolicy,
): MfaRequirement {
  return policy.mfa.whoSetsRequirement === "nobody" ? policy.mfa.defaultRequirement : settings.mfa;
}

/**
 * Decides a settings change: the plan's rules first (a value it does not allow is NOT_SUPPORTED, for staff
 * too), then who may change what (the MFA requirement by whom the plan says; sign-in mode and provisioning
 * by staff or the system). Setting a fixed value to itself is allowed, so an organization stored before the
 * rule can be put back. The caller has already checked a member's permission to configure the organization.
 * @example
 * const decision = decideSettingsChange(organization.settings, { mfa: "off" }, presets.team, "staff");
 * // { kind: "refused", code: "NOT_SUPPORTED", issues: [{ path: ["mfa"], reason: "fixed-by-plan", … }] }
 */
export function decideSettingsChange(
  current: ChosenSettings,
  changes: Partial<ChosenSettings>,
  policy: GatehousePolicy,
  requester: SettingsRequester,
): SettingsDecision {
  const settings: ChosenSettings = {
    mfa: changes.mfa ?? current.mfa,
    authMode: changes.authMode ?? current.authMode,
    provisioning: changes.provisioning ?? current.provisioning,
  };
  const changedFields = (Object.keys(settings) as Array<keyof ChosenSettings>).filter(
    (field) => settings[field] !== current[field],
  );
  const planIssues = organizationSettingsIssues(settings, policy).filter((issue) =>
    changedFields.includes(issue.path[0] as keyof ChosenSettings),
  );
  if (planIssues.length > 0) {
    return {
      kind: "refused",
      code: "NOT_SUPPORTED",
      message: "The plan does not allow this.",
      issues: planIssues,
    };
  }
  const forbidden: Issue[] = [];
  const who = policy.mfa.whoSetsRequirement;
  if (changedFields.includes("mfa") && requester === "member" && who === "staff") {
    forbidden.push({
      path: ["mfa"],
      reason: "staff-only",
      message: "Multi-factor authentication is turned on by platform staff.",
    });
  }
  const staffOnly = { authMode: "The sign-in mode", provisioning: "Provisioning" } as const;
  for (const [field, label] of Object.entries(staffOnly) as Array<[keyof typeof staffOnly, string]>) {
    if (changedFields.includes(field) && requester === "member") {
      forbidden.push({ path: [field], reason: "staff-only", message: `${label} is set by platform staff.` });
    }
  }
  if (forbidden.length > 0) {
    const message = forbidden.map((issue) => issue.message).join(" ");
    return { kind: "refused", code: "FORBIDDEN", message, issues: forbidden };
  }
  return { kind: "allowed", settings, changed: changedFields.length > 0 };
}
