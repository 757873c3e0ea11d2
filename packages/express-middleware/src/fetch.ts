import type { Gatehouse } from "@gatehousejs/core";
import {
  mergeSetCookieLines,
  NodeRequestHead,
  type RequestHead,
  shareSessionReading,
} from "@gatehousejs/http";
import type { Request, Response } from "express";

/**
 * What a Gatehouse middleware or router keeps on an Express request: the head the session is read from, and the
 * request in Fetch form once a route needs it (both share one session reading).
 */
interface ExpressState {
  readonly head: RequestHead;
  request: globalThis.Request | null;
  gatehouse: Gatehouse | null;
}

const STATE = Symbol.for("@gatehousejs/express-middleware.state");
type WithState = Request & { [STATE]?: ExpressState };
type ParsedRequest = Request & { _body?: boolean };

/**
 * The request as the HTTP layer reads it, converted once and kept on the request, so the middleware and the
 * router share one session reading. The body is read lazily: a host's body parser may still run after the
 * middleware; a body it already parsed is handed on as JSON.
 */
export function requestOf(req: Request): globalThis.Request {
  const state = stateOf(req);
  if (state.request !== null) return state.request;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers };
  if (req.method !== "GET" && req.method !== "HEAD") {
    if (consumed(req)) {
      headers.delete("content-length");
      headers.delete("transfer-encoding");
      if (req.body !== undefined) {
        headers.set("content-type", "application/json");
        init.body = JSON.stringify(req.body);
      }
    } else if (headers.has("content-length") || headers.has("transfer-encoding")) {
      init.body = lazyBody(req);
      init.duplex = "half";
    }
  }
  const request = new globalThis.Request(urlOf(req), init);
  shareSessionReading(state.head, request);
  state.request = request;
  return request;
}

/**
 * The request as reading its session needs it (method, headers, URL), without building a Fetch `Request`: the
 * per-request cost of an app's own routes. Kept on the request; `requestOf` later shares its session reading.
 */
export function headOf(req: Request): RequestHead {
  return stateOf(req).head;
}

function stateOf(req: Request): ExpressState {
  const known = (req as WithState)[STATE];
  if (known) return known;
  const state: ExpressState = { head: new NodeRequestHead(req, urlOf), request: null, gatehouse: null };
  (req as WithState)[STATE] = state;
  return state;
}

function urlOf(req: Request): string {
  return `${req.protocol}://${hostOf(req)}${req.originalUrl}`;
}

/** Whether a host's body parser has read the request already (body-parser 1 marks it; 2 reads it to the end). */
function consumed(req: Request): boolean {
  return (req as ParsedRequest)._body === true || req.readableEnded || (req.complete && !req.readable);
}

/** Records the service that read the request's session (its clock times `Retry-After`). */
export function rememberService(req: Request, gatehouse: Gatehouse): void {
  const state = (req as WithState)[STATE];
  if (state) state.gatehouse = gatehouse;
}

/** The service whose middleware or router read the request, or `null`. */
export function serviceOf(req: Request): Gatehouse | null {
  return (req as WithState)[STATE]?.gatehouse ?? null;
}

/** Whether a Gatehouse middleware or router has converted this request. */
export function hasRequest(req: Request): boolean {
  return (req as WithState)[STATE] !== undefined;
}

/**
 * The public host: behind a proxy the app trusts (Express's "trust proxy"), the forwarded one, so the layer's
 * Origin check compares with what the browser saw.
 */
function hostOf(req: Request): string {
  const forwarded = req.headers["x-forwarded-host"];
  if (typeof forwarded === "string" && req.app?.enabled?.("trust proxy")) {
    const first = forwarded.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.headers.host ?? "localhost";
}

/** The Node request as a stream that starts reading only when the layer reads the body (never before). */
function lazyBody(req: Request): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (iterator === null && consumed(req)) {
          // A host's parser ran between the middleware and the router: the body is what it parsed.
          controller.enqueue(new TextEncoder().encode(JSON.stringify(req.body ?? {})));
          controller.close();
          return;
        }
        iterator ??= req[Symbol.asyncIterator]();
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Adds Set-Cookie lines to the response, replacing an earlier line of the same cookie rather than adding one. */
export function mergeSetCookies(res: Response, lines: readonly string[]): void {
  if (lines.length === 0) return;
  res.setHeader("Set-Cookie", mergeSetCookieLines(res.getHeader("Set-Cookie"), lines));
}

/** Writes a Fetch response to Express's, its cookies merged with those already set. */
export async function sendResponse(res: Response, response: globalThis.Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  mergeSetCookies(res, response.headers.getSetCookie());
  const body = response.body === null ? null : Buffer.from(await response.arrayBuffer());
  if (body === null || body.length === 0) res.end();
  else res.end(body);
}
