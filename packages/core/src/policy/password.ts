import { type Issue, ValidationError } from "../errors.js";
import { commonPasswords } from "./common-passwords.js";
import { checkBoolean, checkInteger, checkObject, throwIfConfigurationIssues } from "./config-issues.js";

/** What a user-chosen password must satisfy; see `presets.enterprise.password` for the values. */
export interface PasswordPolicy {
  /** Fewest Unicode code points, counted after NFKC (NIST SP 800-63B asks for at least 8). */
  minLength: number;
  /** Most code points; it bounds the work of hashing, and NIST asks to allow at least 64. */
  maxLength: number;
  /** Refuse the passwords of the built-in list of most common ones, compared case-insensitively. */
  rejectCommon: boolean;
  /** Refuse a password containing the user's e-mail address, its local part or a part of their name. */
  rejectContainsEmail: boolean;
}

/** Who the password is for, so it can be refused when built from their own details. */
export interface PasswordContext {
  /** The user's e-mail address; neither it nor its local part may appear in the password. */
  email?: string;
  /** The user's full name; none of its words of four or more letters may appear in the password. */
  name?: string;
}

/**
 * Parts of an address or a name shorter than this are not searched for: "jo" would refuse half of all
 * passwords without making any of them harder to guess.
 */
const minPersonalPartLength = 4;

/** Checks a user-chosen password, listing every rule it breaks (`too-short`, `too-long`, `common`, `contains-email`, `contains-name`). */
export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  context: PasswordContext = {},
): { ok: true } | { ok: false; issues: Issue[] } {
  // NFKC so that one password typed on two keyboards (composed or not, full-width or not) is one
  // password, and code points so that an emoji counts as one character, as SP 800-63B asks.
  const normalized = password.normalize("NFKC");
  const length = [...normalized].length;
  const lower = normalized.toLowerCase();
  const issues: Issue[] = [];
  const add = (reason: string, message: string): void => {
    issues.push({ path: ["password"], reason, message });
  };
  if (length < policy.minLength) add("too-short", `Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) add("too-long", `Use at most ${policy.maxLength} characters.`);
  if (policy.rejectCommon && commonPasswords.has(lower)) add("common", "This password is too common.");
  if (policy.rejectContainsEmail) {
    if (context.email !== undefined && containsAny(lower, emailParts(context.email))) {
      add("contains-email", "Do not use your e-mail address in your password.");
    }
    if (context.name !== undefined && containsAny(lower, nameParts(context.name))) {
      add("contains-name", "Do not use your name in your password.");
    }
  }
  return issues.length === 0 ? { ok: true } : { ok: false, issues };
}

/** Throws a `ValidationError` (path `["password"]`) when the password breaks a rule of the policy. */
export function assertPassword(
  password: string,
  policy: PasswordPolicy,
  context: PasswordContext = {},
): void {
  const result = checkPassword(password, policy, context);
  if (!result.ok) throw new ValidationError("The password does not meet the password policy.", result.issues);
}

/** Every problem of a password policy, paths relative to the policy. */
export function passwordPolicyIssues(policy: PasswordPolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  checkInteger(issues, ["minLength"], policy.minLength, 1);
  checkInteger(issues, ["maxLength"], policy.maxLength, 1);
  if (policy.maxLength < policy.minLength) {
    issues.push({ path: ["maxLength"], reason: "invalid", message: "maxLength must be at least minLength." });
  }
  checkBoolean(issues, ["rejectCommon"], policy.rejectCommon);
  checkBoolean(issues, ["rejectContainsEmail"], policy.rejectContainsEmail);
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of a password policy. */
export function validatePasswordPolicy(policy: PasswordPolicy): void {
  throwIfConfigurationIssues("password policy", passwordPolicyIssues(policy));
}

/** The whole address and its local part, normalised the way passwords are compared. */
function emailParts(email: string): string[] {
  const address = email.trim().normalize("NFKC").toLowerCase();
  const at = address.lastIndexOf("@");
  return at > 0 ? [address, address.slice(0, at)] : [address];
}

/** The words of a name ("Ann-Marie O'Neil" → ann, marie, o, neil). */
function nameParts(name: string): string[] {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
}

function containsAny(haystack: string, needles: readonly string[]): boolean {
  return needles.some((needle) => [...needle].length >= minPersonalPartLength && haystack.includes(needle));
}
