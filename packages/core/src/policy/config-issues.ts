import { GatehouseError, type Issue } from "../errors.js";

/**
 * Small checks shared by the policy validators. They collect every problem of a configuration into
 * `issues` instead of stopping at the first, so a host fixing its config sees the whole list at once.
 * Internal to the policy folder: not re-exported from the package.
 */

/** A path into a policy object, e.g. `["lockout", "maxFailures"]`. */
export type ConfigPath = ReadonlyArray<string | number>;

/** Records an issue unless `value` is a finite integer of at least `min`. */
export function checkInteger(issues: Issue[], path: ConfigPath, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    issues.push({
      path,
      reason: "invalid",
      message: `${path.join(".")} must be an integer of at least ${min}.`,
    });
  }
}

/**
 * Records an issue unless `value` is a finite number of milliseconds, positive (or zero when `allowZero`).
 * Durations of `Infinity` are refused too: adding one to a Date yields an Invalid Date, which compares
 * false with everything and would silently disable the rule it configures.
 */
export function checkDuration(issues: Issue[], path: ConfigPath, value: unknown, allowZero = false): void {
  const ok = typeof value === "number" && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    const bound = allowZero ? "zero or more" : "more than zero";
    issues.push({
      path,
      reason: "invalid",
      message: `${path.join(".")} must be a finite duration, ${bound} ms.`,
    });
  }
}

/** Records an issue unless `value` is a finite number within `[min, max]`. */
export function checkNumber(
  issues: Issue[],
  path: ConfigPath,
  value: unknown,
  min: number,
  max = Infinity,
): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    issues.push({ path, reason: "invalid", message: `${path.join(".")} must be a number ${range}.` });
  }
}

/** Records an issue unless `value` is a boolean. */
export function checkBoolean(issues: Issue[], path: ConfigPath, value: unknown): void {
  if (typeof value !== "boolean") {
    issues.push({ path, reason: "invalid", message: `${path.join(".")} must be true or false.` });
  }
}

/** Records an issue unless `value` is one of `allowed`. */
export function checkOneOf(
  issues: Issue[],
  path: ConfigPath,
  value: unknown,
  allowed: readonly string[],
): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    const list = allowed.map((a) => `"${a}"`).join(", ");
    issues.push({ path, reason: "invalid", message: `${path.join(".")} must be one of ${list}.` });
  }
}

/** Records an issue unless `value` is a non-null object, and says whether it is one. */
export function checkObject(
  issues: Issue[],
  path: ConfigPath,
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return true;
  issues.push({ path, reason: "invalid", message: `${path.join(".")} must be an object.` });
  return false;
}

/** Prefixes every issue's path, so a section validator's issues read as paths into the whole policy. */
export function prefixIssues(prefix: string, issues: readonly Issue[]): Issue[] {
  return issues.map((issue) => ({ ...issue, path: [prefix, ...issue.path] }));
}

/** Throws a `CONFIGURATION` error listing `issues`, if there are any. */
export function throwIfConfigurationIssues(what: string, issues: readonly Issue[]): void {
  if (issues.length === 0) return;
  const first = issues[0];
  // The full path leads, since a section's own messages name its fields without the section.
  const where = first && first.path.length > 0 ? ` at ${first.path.join(".")}` : "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new GatehouseError("CONFIGURATION", `Invalid ${what}${where}: ${first?.message ?? ""}${more}`, {
    issues,
  });
}
