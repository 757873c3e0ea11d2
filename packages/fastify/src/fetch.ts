import { type GatehouseHandler, mergeSetCookieLines } from "@gatehousejs/http";
import type { FastifyReply, FastifyRequest } from "fastify";

/** What the plugin keeps of a Fastify request: the request in Fetch form, once, and the handler that read it. */
export interface FastifyState {
  readonly request: Request;
  readonly handler: GatehouseHandler;
}

const states = new WeakMap<FastifyRequest, FastifyState>();

/** The state of a request the plugin has seen, or `null` (the plugin is not registered in its context). */
export function stateOf(request: FastifyRequest): FastifyState | null {
  return states.get(request) ?? null;
}

/**
 * Converts a Fastify request to a Fetch `Request`, once, so the session hook and the routes share one session
 * reading. Host and protocol come from Fastify, so its `trustProxy` decides whether forwarded ones count. The
 * body is the raw Node stream, read only when the layer reads it (never for a host's own route).
 */
export function rememberRequest(request: FastifyRequest, handler: GatehouseHandler): Request {
  const known = states.get(request);
  if (known) return known.request;
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
  const fetchRequest = new Request(`${request.protocol}://${request.host}${request.url}`, init);
  states.set(request, { request: fetchRequest, handler });
  return fetchRequest;
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
