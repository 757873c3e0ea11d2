/**
 * Every error Gatehouse throws is a {@link GatehouseError} with a stable `code`.
 * Expected outcomes of a flow (wrong password, locked account) are errors of these codes too, so a host
 * can map them to responses with one table; see `httpStatusOf`.
 */

/** The stable error codes, with the HTTP status a web binding should answer. */
export const errorCodes = {
  VALIDATION: 400,
  INVALID_CREDENTIALS: 401,
  INVALID_CODE: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LAST_ADMINISTRATOR: 409,
  TOKEN_EXPIRED: 410,
  TOKEN_INVALID: 410,
  ACCOUNT_LOCKED: 423,
  SECOND_FACTOR_LOCKED: 423,
  RATE_LIMITED: 429,
  NOT_SUPPORTED: 422,
  SSO_FAILED: 403,
  IDP_UNAVAILABLE: 502,
  DELIVERY_FAILED: 502,
  STORAGE_UNAVAILABLE: 503,
  CONFIGURATION: 500,
} as const;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof errorCodes;

/** One problem with one field or one address of an input. */
export interface Issue {
  /** Where the problem is: a field path (`["roles", 0]`) or the offending value (an address). */
  path: ReadonlyArray<string | number>;
  /** A stable, machine-readable reason, e.g. `invalid-email`, `already-registered`, `too-short`. */
  reason: string;
  /** A sentence for a person. */
  message: string;
}

/** Structured details carried by an error. */
export interface ErrorDetails {
  /** Per-field or per-address problems (VALIDATION, CONFLICT). */
  issues?: readonly Issue[];
  /** When the refused action may be tried again (ACCOUNT_LOCKED, RATE_LIMITED). */
  retryAt?: Date;
  /** Anything else a binding may show. */
  [key: string]: unknown;
}

/** The base class of every error Gatehouse throws. */
export class GatehouseError extends Error {
  override readonly name: string = "GatehouseError";
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** The input was malformed; `details.issues` names each bad field or address. */
export class ValidationError extends GatehouseError {
  override readonly name = "ValidationError";
  constructor(message: string, issues: readonly Issue[]) {
    super("VALIDATION", message, { issues });
  }
}

/** The storage behind a repository failed; the call did not take effect and may be retried. */
export class StorageUnavailableError extends GatehouseError {
  override readonly name: string = "StorageUnavailableError";
  constructor(message: string, cause: unknown) {
    super("STORAGE_UNAVAILABLE", message, {}, { cause });
  }
}

/**
 * A stored record that does not decode: damaged, or not written by Gatehouse. It is a storage failure
 * (STORAGE_UNAVAILABLE), never a miss, so a damaged attempt record refuses the sign-in instead of reading as
 * "no failures yet"; `details.issues` names each bad field.
 */
export class DamagedRecordError extends StorageUnavailableError {
  override readonly name: string = "DamagedRecordError";
  constructor(record: string, issues: readonly Issue[]) {
    const fields = issues.map((issue) => issue.path.join(".") || "(the record)").join(", ");
    super(`The stored ${record} is damaged (${fields}): refusing to use it.`, null);
    Object.assign(this.details, { record, issues });
  }
}

/** True when `error` is a {@link GatehouseError}, optionally of the given code. */
export function isGatehouseError(error: unknown, code?: ErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}

/** The HTTP status a web binding should answer for a code. */
export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code];
}
