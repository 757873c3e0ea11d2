import { type Clock, GatehouseError, type Issue } from "@gatehousejs/core";
import { HttpProblem, problemFor } from "@gatehousejs/http";
import type { ErrorRequestHandler, Request } from "express";
import { sendResponse, serviceOf } from "./fetch.js";

export { HttpProblem, type ProblemBody } from "@gatehousejs/http";

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

/**
 * Maps errors to `application/problem+json` answers, as `@gatehousejs/http` does: a `GatehouseError` by its
 * code, with its per-field issues and, for ACCOUNT_LOCKED and RATE_LIMITED, `Retry-After` in seconds; a body
 * too large 413, malformed JSON 400 (from Express's body parser too); anything else 500 with no message or
 * stack. Mount it after the routes.
 * @example
 * app.use("/auth", gatehouseRouter(gatehouse));
 * app.use(gatehouseErrorHandler({ onError: (error) => logger.error(error) }));
 */
export function gatehouseErrorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = bodyParserProblem(error) ?? error;
    const clock = serviceOf(req)?.config.clock ?? options.clock;
    const response = problemFor(problem, {
      now: clock ? clock.now() : new Date(),
      ...(options.typeBase !== undefined && { typeBase: options.typeBase }),
    });
    if (response.status >= 500) options.onError?.(error, req);
    sendResponse(res, response).catch(next);
  };
}

/** The errors of `express.json()` (body-parser) as problems: they carry `type`, `status` and `expose`. */
function bodyParserProblem(error: unknown): HttpProblem | null {
  if (typeof error !== "object" || error === null || error instanceof GatehouseError) return null;
  if (error instanceof HttpProblem) return null;
  const { type, status, expose } = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (type === "entity.too.large") {
    return new HttpProblem(413, "PAYLOAD_TOO_LARGE", "The request body is too large.");
  }
  if (type === "entity.parse.failed") {
    const issues: Issue[] = [{ path: [], reason: "malformed-json", message: "The body is not valid JSON." }];
    return new HttpProblem(400, "VALIDATION", "The body is not valid JSON.", issues);
  }
  if (expose === true && typeof status === "number" && status >= 400 && status < 500) {
    // Any other client error of the body parser (an unsupported charset or encoding, 415): named by its status.
    const title = status === 415 ? "Unsupported Media Type" : "Bad Request";
    return new HttpProblem(status, title.toUpperCase().replace(/\W+/g, "_"), `${title}.`);
  }
  return null;
}
