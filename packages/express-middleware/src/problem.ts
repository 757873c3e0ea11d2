import { STATUS_CODES } from "node:http";
import { type Clock, type ErrorCode, httpStatusOf, type Issue, isGatehouseError } from "@gatehousejs/core";
import type { ErrorRequestHandler, Request } from "express";
import { findRequestState } from "./state.js";

/** An error of the HTTP layer itself (CSRF, a body too large or malformed), answered as a problem. */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  /** Express's default handler reads `status`, so the answer is right even without our handler. */
  readonly status: number;
  readonly code: string;
  readonly issues: readonly Issue[] | undefined;
  readonly expose = true;

  constructor(status: number, code: string, message: string, issues?: readonly Issue[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

/** An RFC 9457 problem body, as every Gatehouse route answers its errors. */
export interface ProblemBody {
  /** A URI naming the kind of problem: `${typeBase}${code in kebab case}`. */
  readonly type: string;
  /** The HTTP status phrase, e.g. "Locked". */
  readonly title: string;
  readonly status: number;
  /** The stable code: a Gatehouse error code, or `CSRF`, `PAYLOAD_TOO_LARGE`, `INTERNAL`. */
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

/** Options of {@link gatehouseErrorHandler}. */
export interface ErrorHandlerOptions {
  /**
   * The prefix of every problem's `type`.
   * @default "urn:gatehouse:problem:"
   */
  typeBase?: string;
  /** Called with every error answered as a 5xx (log it there): the response never carries its message. */
  onError?: (error: unknown, req: Request) => void;
  /**
   * The clock that `Retry-After` counts from, when no `gatehouseMiddleware` ran on the request (which lends
   * the service's clock).
   * @default the system clock
   */
  clock?: Clock;
}

/** A problem with its response headers. */
interface Answer {
  readonly body: ProblemBody;
  readonly retryAt: Date | null;
}

const GENERIC_DETAIL = "Something went wrong on our side. Try again later.";

/**
 * Maps errors to `application/problem+json` answers: a `GatehouseError` by its code (`httpStatusOf`), with its
 * per-field issues and, for ACCOUNT_LOCKED and RATE_LIMITED, a `Retry-After` header in seconds; a body too
 * large 413, malformed JSON 400; anything else 500 with no message or stack. Mount it after the routes.
 * @example
 * app.use("/auth", gatehouseRouter(gatehouse));
 * app.use(gatehouseErrorHandler({ onError: (error) => logger.error(error) }));
 */
export function gatehouseErrorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  const typeBase = options.typeBase ?? "urn:gatehouse:problem:";
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { body, retryAt } = toProblem(error, typeBase);
    if (body.status >= 500) options.onError?.(error, req);
    if (retryAt) {
      const clock = findRequestState(req)?.gatehouse.config.clock ?? options.clock;
      const now = clock ? clock.now().getTime() : Date.now();
      res.setHeader("Retry-After", String(Math.max(0, Math.ceil((retryAt.getTime() - now) / 1000))));
    }
    res.status(body.status);
    res.setHeader("Content-Type", "application/problem+json; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.end(JSON.stringify(body));
  };
}

function toProblem(error: unknown, typeBase: string): Answer {
  const make = (
    status: number,
    code: string,
    detail: string,
    extra: Partial<ProblemBody> = {},
  ): ProblemBody => ({
    type: `${typeBase}${code.toLowerCase().replaceAll("_", "-")}`,
    title: STATUS_CODES[status] ?? "Error",
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
    const extra = error.issues ? { issues: error.issues } : {};
    return { body: make(error.status, error.code, error.message, extra), retryAt: null };
  }
  const bodyError = bodyParserProblem(error);
  if (bodyError)
    return { body: make(bodyError.status, bodyError.code, bodyError.detail, bodyError.extra), retryAt: null };
  return { body: make(500, "INTERNAL", GENERIC_DETAIL), retryAt: null };
}

/** The status of a code by core's table; a code this version does not know is a 500. */
function httpStatus(code: ErrorCode): number {
  const status: number | undefined = httpStatusOf(code);
  return typeof status === "number" ? status : 500;
}

/** The errors of `express.json()` (body-parser): they carry `type`, `status` and `expose`. */
function bodyParserProblem(
  error: unknown,
): { status: number; code: string; detail: string; extra?: Partial<ProblemBody> } | null {
  if (typeof error !== "object" || error === null) return null;
  const { type, status, expose } = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (type === "entity.too.large") {
    return { status: 413, code: "PAYLOAD_TOO_LARGE", detail: "The request body is too large." };
  }
  if (type === "entity.parse.failed") {
    const issues: Issue[] = [{ path: [], reason: "malformed-json", message: "The body is not valid JSON." }];
    return { status: 400, code: "VALIDATION", detail: "The body is not valid JSON.", extra: { issues } };
  }
  if (expose === true && typeof status === "number" && status >= 400 && status < 500) {
    // Any other client error of the body parser (an unsupported charset or encoding, 415): named by its status.
    const title = STATUS_CODES[status] ?? "Bad Request";
    return { status, code: title.toUpperCase().replace(/\W+/g, "_"), detail: `${title}.` };
  }
  return null;
}
