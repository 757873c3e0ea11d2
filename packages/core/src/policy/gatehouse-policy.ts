import type { Issue } from "../errors.js";
import { checkObject, checkOneOf, prefixIssues, throwIfConfigurationIssues } from "./config-issues.js";
import { type LockoutPolicy, lockoutPolicyIssues } from "./lockout-policy.js";
import { type MfaPolicy, mfaPolicyIssues } from "./mfa.js";
import { type PasswordPolicy, passwordPolicyIssues } from "./password.js";
import { type SessionPolicy, sessionPolicyIssues } from "./session.js";
import { type TokenPolicy, tokenPolicyIssues } from "./token.js";

/** Every policy value of an installation; start from a preset and change what differs with `definePolicy`. */
export interface GatehousePolicy {
  /** Failed sign-in attempts and locks. */
  lockout: LockoutPolicy;
  /** Idle and absolute session lifetimes. */
  session: SessionPolicy;
  /** Lifetimes of links and codes, and the SMS code attempt limit. */
  tokens: TokenPolicy;
  /** Rules for user-chosen passwords. */
  password: PasswordPolicy;
  /** Second factors, recovery, and who sets the requirement. */
  mfa: MfaPolicy;
  /** `relogin`: an e-mail may change and the user's sessions end; `forbidden`: delete and add again. */
  emailChange: "relogin" | "forbidden";
  /** `delete`: permanent, by administrators; `remove`: by any member, the address can be added again. */
  removal: "delete" | "remove";
  /** How a new user gets in: a temporary password by e-mail, or an activation link. */
  onboarding: "temporary-password" | "activation-link";
  /** Who adds users: administrators (`invite`), only a system actor (`external`), only the organization's own members. */
  provisioning: "invite" | "external" | "members-only";
  /** `sso`: passwords are not Gatehouse's (no reset, no lockout of passwords). */
  authMode: "password" | "sso";
}

/** `T` with every property optional at every depth; arrays are replaced whole, never merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Every problem of a whole policy, with paths into it (e.g. `["lockout", "maxFailures"]`). */
export function policyIssues(policy: GatehousePolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  const sections = [
    ["lockout", () => lockoutPolicyIssues(policy.lockout)],
    ["session", () => sessionPolicyIssues(policy.session)],
    ["tokens", () => tokenPolicyIssues(policy.tokens)],
    ["password", () => passwordPolicyIssues(policy.password)],
    ["mfa", () => mfaPolicyIssues(policy.mfa)],
  ] as const;
  for (const [name, sectionIssues] of sections) issues.push(...prefixIssues(name, sectionIssues()));
  checkOneOf(issues, ["emailChange"], policy.emailChange, ["relogin", "forbidden"]);
  checkOneOf(issues, ["removal"], policy.removal, ["delete", "remove"]);
  checkOneOf(issues, ["onboarding"], policy.onboarding, ["temporary-password", "activation-link"]);
  checkOneOf(issues, ["provisioning"], policy.provisioning, ["invite", "external", "members-only"]);
  checkOneOf(issues, ["authMode"], policy.authMode, ["password", "sso"]);
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of a whole policy. */
export function validatePolicy(policy: GatehousePolicy): void {
  throwIfConfigurationIssues("Gatehouse policy", policyIssues(policy));
}

/**
 * Merges `overrides` into `base`: objects key by key, anything else (arrays, `null`, numbers) replaced.
 * A key `base` does not have is an issue, not a silent no-op: a misspelt option must not leave the
 * seed's value in force unnoticed.
 */
export function mergePolicy(base: unknown, overrides: unknown, path: string[], issues: Issue[]): unknown {
  if (overrides === undefined) return base;
  // Copied, not shared: the result is frozen, and freezing the caller's own objects would surprise them.
  if (!isPlainObject(base) || !isPlainObject(overrides)) return copyValue(overrides);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(base, key)) {
      const at = [...path, key];
      issues.push({ path: at, reason: "unknown-option", message: `${at.join(".")} is not a policy option.` });
      continue;
    }
    merged[key] = mergePolicy(base[key], value, [...path, key], issues);
  }
  return merged;
}

/** Freezes a value and everything it holds, so a shared preset cannot be changed by one of its users. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyValue);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copyValue(inner)]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
