import { DamagedRecordError, type Issue } from "../errors.js";
import type { AttemptState } from "../policy/lockout.js";

/** An attempt state as plain JSON: the counters as numbers, every instant as an ISO-8601 string. */
export interface EncodedAttemptState {
  failures: number;
  failureAts: string[];
  lastFailureAt: string | null;
  lockedUntil: string | null;
  locks: number;
  inFlight: string[];
}

const FIELDS = ["failures", "failureAts", "lastFailureAt", "lockedUntil", "locks", "inFlight"] as const;

/**
 * The JSON an adapter stores for an attempt state, field by field (a caller's extra properties are not
 * persisted). It checks what it encodes with the decoder's rules, so whatever is written reads back.
 * @example await db.set(key, JSON.stringify(encodeAttemptState(next)));
 */
export function encodeAttemptState(state: AttemptState): EncodedAttemptState {
  const encoded: EncodedAttemptState = {
    failures: state.failures,
    failureAts: state.failureAts.map(iso),
    lastFailureAt: state.lastFailureAt === null ? null : iso(state.lastFailureAt),
    lockedUntil: state.lockedUntil === null ? null : iso(state.lockedUntil),
    locks: state.locks,
    inFlight: state.inFlight.map(iso),
  };
  const issues = attemptStateIssues(encoded);
  if (issues.length > 0) throw new DamagedRecordError("attempt state to write", issues);
  return encoded;
}

/**
 * The attempt state an adapter read back, validated field by field; throws a {@link DamagedRecordError}
 * (STORAGE_UNAVAILABLE) on anything else. A damaged record must fail closed: read leniently, it would
 * count as "no failures yet" and hand out fresh guesses, or lift a lock.
 * @example const state = decodeAttemptState(JSON.parse(text));
 */
export function decodeAttemptState(value: unknown): AttemptState {
  const issues = attemptStateIssues(value);
  if (issues.length > 0) throw new DamagedRecordError("attempt state", issues);
  const json = value as EncodedAttemptState;
  return {
    failures: json.failures,
    failureAts: json.failureAts.map((at) => new Date(at)),
    lastFailureAt: json.lastFailureAt === null ? null : new Date(json.lastFailureAt),
    lockedUntil: json.lockedUntil === null ? null : new Date(json.lockedUntil),
    locks: json.locks,
    inFlight: json.inFlight.map((at) => new Date(at)),
  };
}

/** Every problem of a stored attempt state: the record itself, each missing, unknown or ill-typed field. */
export function attemptStateIssues(value: unknown): Issue[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ path: [], reason: "not-an-object", message: "An attempt state is a JSON object." }];
  }
  const json = value as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const key of Object.keys(json)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      issues.push({
        path: [key],
        reason: "unknown-field",
        message: `"${key}" is not a field of an attempt state.`,
      });
    }
  }
  for (const field of FIELDS) {
    if (!Object.hasOwn(json, field)) {
      issues.push({ path: [field], reason: "missing", message: `"${field}" is missing.` });
    }
  }
  checkCount(issues, "failures", json.failures);
  checkCount(issues, "locks", json.locks);
  checkInstants(issues, "failureAts", json.failureAts);
  checkInstants(issues, "inFlight", json.inFlight);
  checkOptionalInstant(issues, ["lastFailureAt"], json.lastFailureAt);
  checkOptionalInstant(issues, ["lockedUntil"], json.lockedUntil);
  return issues;
}

function checkCount(issues: Issue[], field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    issues.push({ path: [field], reason: "invalid", message: `"${field}" must be a non-negative integer.` });
  }
}

function checkInstants(issues: Issue[], field: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.push({ path: [field], reason: "invalid", message: `"${field}" must be a list of instants.` });
    return;
  }
  value.forEach((at, i) => {
    checkInstant(issues, [field, i], at);
  });
}

function checkOptionalInstant(issues: Issue[], path: Array<string | number>, value: unknown): void {
  if (value !== undefined && value !== null) checkInstant(issues, path, value);
}

// Only the exact form `toISOString` writes: "2025", "tomorrow" or a number would be some other writer's.
function checkInstant(issues: Issue[], path: Array<string | number>, value: unknown): void {
  const at = typeof value === "string" ? new Date(value) : null;
  if (at === null || Number.isNaN(at.getTime()) || at.toISOString() !== value) {
    issues.push({ path, reason: "invalid", message: `"${path.join(".")}" must be an ISO-8601 instant.` });
  }
}

function iso(at: Date): string {
  return Number.isNaN(at.getTime()) ? "Invalid Date" : at.toISOString();
}
