import {
  type GatehouseHandler,
  mergeSetCookieLines,
  NodeRequestHead,
  type RequestHead,
  shareSessionReading,
} from "@gatehousejs/http";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * What the plugin keeps of a Fastify request: the head the session is read from, the request in Fetch form once
 * a route (or a problem answer) needs it, and the handler that read it. Both forms share one session reading.
 */
export interface FastifyState {
  readonly head: RequestHead;
  readonly handler: GatehouseHandler;
  request: Request | null;
}

/** The slot of the state on the request (decorated by the plugin, so every request has the same shape). */
export const STATE = Symbol("@gatehousejs/fastify.state");
type WithState = FastifyRequest & { [STATE]?: FastifyState | null };

/** The state of a request the plugin has seen, or `null` (the plugin is not registered in its context). */
export function stateOf(request: FastifyRequest): FastifyState | null {
  return (request as WithState)[STATE] ?? null;
}

/**
 * The request as reading its session needs it (method, headers, URL), without building a Fetch `Request`: the
 * per-request cost of the host's own routes. Kept on the request.
 */
export function rememberHead(request: FastifyRequest, handler: GatehouseHandler): RequestHead {
  const known = stateOf(request);
  if (known) return known.head;
  const state: FastifyState = { head: new NodeRequestHead(request, urlOf), handler, request: null };
  (request as WithState)[STATE] = state;
  return state.head;
}

/**
 * Converts a Fastify request to a Fetch `Request`, once, sharing the session reading of its head. Host and
 * protocol come from Fastify, so its `trustProxy` decides whether forwarded ones count. The body is the raw Node
 * stream, read only when the layer reads it (never for a host's own route).
 */
export function rememberRequest(request: FastifyRequest, handler: GatehouseHandler): Request {
  rememberHead(request, handler);
  const state = stateOf(request) as FastifyState;
  if (state.request !== null) return state.request;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers };
  if (request.method !== "GET" && request.method !== "HEAD") {
    if (headers.has("content-length") || headers.has("transfer-encoding")) {
      init.body = lazyBody(request);
      init.duplex = "half";
    }
  }
  const fetchRequest = new Request(urlOf(request), init);
  shareSessionReading(state.head, fetchRequest);
  state.request = fetchRequest;
  return fetchRequest;
}

function urlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url}`;
}

/** The Node request as a stream that starts reading only when the layer reads the body. */
function lazyBody(request: FastifyRequest): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= request.raw[Symbol.asyncIterator]();
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

/** Adds Set-Cookie lines to the reply, replacing an earlier line of the same cookie rather than adding one. */
export function mergeSetCookies(reply: FastifyReply, lines: readonly string[]): void {
  if (lines.length === 0) return;
  const merged = mergeSetCookieLines(reply.getHeader("set-cookie"), lines);
  reply.removeHeader("set-cookie");
  reply.header("set-cookie", merged);
}

/** Writes a Fetch response to Fastify's reply, its cookies merged with those already set. */
export async function sendResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") reply.header(name, value);
  });
  mergeSetCookies(reply, response.headers.getSetCookie());
  const body = response.body === null ? null : Buffer.from(await response.arrayBuffer());
  return body === null || body.length === 0 ? reply.send() : reply.send(body);
}
