import { formatTime } from "./form-errors.js";

/** @import { GatehousePolicy, MatrixShape } from "@gatehousejs/core" */

// The service speaks in ids ("platform.user-management", "reset-password") and ISO instants; people read
// these sentences instead.

/** What each action of the matrix lets a person do, as the end of "… lets you …". */
const actionWords = /** @type {Record<string, string>} */ ({
  view: "see it",
  create: "create",
  edit: "edit",
  invite: "invite users",
  delete: "delete",
  "reset-password": "reset passwords",
  "view-audit": "read the audit log",
  unlock: "lift locks",
  configure: "change the security settings",
});

/**
 * An action on a page in words: "invite users on User Management".
 * @param {MatrixShape} matrix
 * @param {string} page
 * @param {string} action
 */
export function permissionWords(matrix, page, action) {
  const label = matrix.pages.find((p) => p.id === page)?.label ?? page;
  return `${actionWords[action] ?? action.replaceAll("-", " ")} on ${label}`;
}

/**
 * Why a request was refused, from the `permission` a FORBIDDEN error carries.
 * @param {MatrixShape} matrix
 * @param {unknown} permission
 * @returns {string}
 */
export function forbiddenWords(matrix, permission) {
  const { page, action } = /** @type {{ page?: unknown; action?: unknown }} */ (permission ?? {});
  if (typeof page !== "string" || typeof action !== "string") return "Your roles do not allow this.";
  return `This needs a role that lets you ${permissionWords(matrix, page, action)}, and none of yours does.`;
}

/**
 * One sentence for a refused escalation (each issue's path is `[page, action]`), grouped by page.
 * @param {MatrixShape} matrix
 * @param {ReadonlyArray<{ path: ReadonlyArray<string | number> }>} issues
 * @returns {string}
 */
export function escalationWords(matrix, issues) {
  /** @type {Map<string, string[]>} */
  const byPage = new Map();
  for (const { path } of issues) {
    const [page, action] = path.map(String);
    if (!page || !action) continue;
    const label = matrix.pages.find((p) => p.id === page)?.label ?? page;
    byPage.set(label, [...(byPage.get(label) ?? []), actionWords[action] ?? action.replaceAll("-", " ")]);
  }
  const missing = [...byPage].map(([label, actions]) => `${actions.join(", ")} on ${label}`).join("; ");
  return `You can only give what your own roles allow, and this would also let someone ${missing}.`;
}

/** @param {number} ms */
export function duration(ms) {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return plural(ms / 3_600_000, "hour");
  if (ms % 60_000 === 0 && ms >= 60_000) return plural(ms / 60_000, "minute");
  return plural(Math.round(ms / 1000), "second");
}

/**
 * @param {number} n
 * @param {string} unit
 */
function plural(n, unit) {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/**
 * The sentence of a locked account: which rule locked it (when the error says) and until when.
 * @param {{ retryAt?: unknown; rule?: unknown }} details
 * @param {GatehousePolicy["lockout"]} lockout
 * @returns {string}
 */
export function lockWords(details, lockout) {
  const until = details.retryAt instanceof Date ? formatTime(details.retryAt) : "later";
  const why =
    details.rule === "quick-retry"
      ? `another attempt came within ${duration(lockout.quickRetryMs)} of a failed one, which is how a script guesses, not a person`
      : details.rule === "max-failures"
        ? `${lockout.maxFailures} attempts failed`
        : "of failed attempts";
  return `This account is locked until ${until}, because ${why}. No one can lift the lock before then.`;
}

/**
 * The password rules, stated before anyone types one.
 * @param {GatehousePolicy["password"]} rules
 * @returns {string}
 */
export function passwordRuleWords(rules) {
  const parts = [`at least ${rules.minLength} characters`];
  if (rules.rejectCommon) parts.push("not a common password");
  if (rules.rejectContainsEmail) parts.push("not containing your e-mail address or your name");
  return `${parts.join("; ")}.`;
}

/**
 * The organization's sign-in policy in words, for the settings page.
 * @param {GatehousePolicy} policy
 * @returns {{ term: string; words: string }[]}
 */
export function policyWords(policy) {
  const { lockout, session } = policy;
  const lockRules = [
    lockout.failureWindowMs === null
      ? `${lockout.maxFailures} failed attempts in a row`
      : `${lockout.maxFailures} failed attempts within ${duration(lockout.failureWindowMs)}`,
    lockout.quickRetryMs > 0 ? `an attempt within ${duration(lockout.quickRetryMs)} of a failed one` : "",
  ].filter(Boolean);
  return [
    {
      term: "Lockout",
      words: `${lockRules.join(", or ")} lock an account for ${duration(lockout.lockDurationMs)}; no one can lift the lock early.`,
    },
    {
      term: "Sessions",
      words: `You are signed out after ${duration(session.idleTimeoutMs)} without activity, and ${duration(session.absoluteLifetimeMs)} after signing in in any case.`,
    },
    { term: "Passwords", words: `Your own password: ${passwordRuleWords(policy.password)}` },
  ];
}
