import { type ErrorCode, httpStatusOf, type Issue, isGatehouseError } from "@gatehousejs/core";

/** An error of the HTTP layer itself (CSRF, a body too large or malformed, a throttle), answered as a problem. */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  readonly status: number;
  readonly code: string;
  readonly issues: readonly Issue[] | undefined;
  /** When the refused request may be sent again (a throttle), or `null`. */
  readonly retryAt: Date | null;
  readonly expose = true;

  constructor(status: number, code: string, message: string, issues?: readonly Issue[], retryAt?: Date) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.retryAt = retryAt ?? null;
  }
}

/** An RFC 9457 problem body, as every Gatehouse route answers its errors. */
export interface ProblemBody {
  /** A URI naming the kind of problem: `${typeBase}${code in kebab case}`. */
  readonly type: string;
  /** The HTTP status phrase, e.g. "Locked". */
  readonly title: string;
  readonly status: number;
  /** The stable code: a Gatehouse error code, or `CSRF`, `PAYLOAD_TOO_LARGE`, `NOT_FOUND`, `INTERNAL`. */
  readonly code: string;
  /** A sentence for a person; for 5xx a generic one, never the underlying message. */
  readonly detail: string;
  /** Per-field or per-address problems (VALIDATION, CONFLICT, FORBIDDEN escalations). */
  readonly issues?: readonly Issue[];
  /** When the refused action may be tried again (ACCOUNT_LOCKED, RATE_LIMITED), ISO 8601. */
  readonly retryAt?: string;
  /** The session's stage, when a step is not available at it (UNAUTHENTICATED). */
  readonly stage?: string;
}

/** A problem and when it may be retried (for `Retry-After`). */
export interface Problem {
  readonly body: ProblemBody;
  readonly retryAt: Date | null;
}

// The phrases of the statuses Gatehouse answers; no `node:http`, so the layer runs on any Fetch runtime.
const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  423: "Locked",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

const GENERIC_DETAIL = "Something went wrong on our side. Try again later.";

/**
 * Maps an error to its problem: a `GatehouseError` by its code (`httpStatusOf`) with its per-field issues and
 * retry time; an `HttpProblem` as it says; anything else 500 with no message.
 */
export function toProblem(error: unknown, typeBase: string): Problem {
  const make = (
    status: number,
    code: string,
    detail: string,
    extra: Partial<ProblemBody> = {},
  ): ProblemBody => ({
    type: `${typeBase}${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[status] ?? "Error",
    status,
    code,
    detail,
    ...extra,
  });

  if (isGatehouseError(error)) {
    const status = httpStatus(error.code);
    if (status >= 500) {
      // A storage or configuration message may name a host, a driver or a key: none of it goes out.
      const detail =
        error.code === "STORAGE_UNAVAILABLE"
          ? "The service is unavailable for a moment. Try again later."
          : error.code === "DELIVERY_FAILED"
            ? error.message
            : GENERIC_DETAIL;
      const code = error.code === "CONFIGURATION" ? "INTERNAL" : error.code;
      return { body: make(status, code, detail), retryAt: null };
    }
    const { issues, retryAt, stage } = error.details;
    const retry = retryAt instanceof Date && !Number.isNaN(retryAt.getTime()) ? retryAt : null;
    const extra: { issues?: readonly Issue[]; retryAt?: string; stage?: string } = {};
    if (issues && issues.length > 0) extra.issues = issues;
    if (retry) extra.retryAt = retry.toISOString();
    if (typeof stage === "string") extra.stage = stage;
    return { body: make(status, error.code, error.message, extra), retryAt: retry };
  }
  if (error instanceof HttpProblem) {
    const extra: { issues?: readonly Issue[]; retryAt?: string } = {};
    if (error.issues) extra.issues = error.issues;
    if (error.retryAt) extra.retryAt = error.retryAt.toISOString();
    return { body: make(error.status, error.code, error.message, extra), retryAt: error.retryAt };
  }
  return { body: make(500, "INTERNAL", GENERIC_DETAIL), retryAt: null };
}

/**
 * The `application/problem+json` response of a problem, never cached; `Retry-After` in whole seconds from
 * `now` (the service's clock) when it may be retried.
 */
export function problemResponse(problem: Problem, now: Date, setCookies: readonly string[] = []): Response {
  const headers = new Headers({
    "Content-Type": "application/problem+json; charset=utf-8",
    "Cache-Control": "no-store",
  });
  if (problem.retryAt) {
    const seconds = Math.max(0, Math.ceil((problem.retryAt.getTime() - now.getTime()) / 1000));
    headers.set("Retry-After", String(seconds));
  }
  for (const line of setCookies) headers.append("Set-Cookie", line);
  return new Response(JSON.stringify(problem.body), { status: problem.body.status, headers });
}

/** The status of a code by core's table; a code this version does not know is a 500. */
function httpStatus(code: ErrorCode): number {
  const status: number | undefined = httpStatusOf(code);
  return typeof status === "number" ? status : 500;
}

/**
 * The problem+json response of any error, for a binding's error handler: a `GatehouseError` by its code, an
 * `HttpProblem` as it says, anything else a 500 with no message. `Retry-After` counts from `now`.
 * @example return problemFor(error, { now: gatehouse.config.clock.now() });
 */
export function problemFor(
  error: unknown,
  options: { readonly typeBase?: string; readonly now?: Date } = {},
): Response {
  return problemResponse(
    toProblem(error, options.typeBase ?? "urn:gatehouse:problem:"),
    options.now ?? new Date(),
  );
}
