import type { RequestHead } from "./session.js";

/** What {@link NodeRequestHead} reads of a framework's request: its method and its Node-style headers. */
export interface NodeStyleRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * A {@link RequestHead} over a Node-style request (Node's `IncomingMessage`, Express's or Fastify's request):
 * the headers read in place, the URL built by `urlOf` only when read (for a write that carries an `Origin`).
 * For a binding that reads the session without building a Fetch `Request`; it is a class, not an object literal
 * with a getter, on purpose (see "Writing a binding").
 * @example
 * const head = new NodeRequestHead(req, (r) => `${r.protocol}://${r.headers.host}${r.originalUrl}`);
 * const { auth, setCookies } = await handler.authenticate(head);
 */
export class NodeRequestHead<R extends NodeStyleRequest = NodeStyleRequest> implements RequestHead {
  readonly #request: R;
  readonly #urlOf: (request: R) => string;
  #url: string | null = null;

  constructor(request: R, urlOf: (request: R) => string) {
    this.#request = request;
    this.#urlOf = urlOf;
  }

  /** The request's method, as the framework holds it now. */
  get method(): string {
    return this.#request.method;
  }

  /** The absolute URL, built on first read. */
  get url(): string {
    this.#url ??= this.#urlOf(this.#request);
    return this.#url;
  }

  /** The head itself: it answers `get` as Fetch's `Headers` does. */
  get headers(): this {
    return this;
  }

  /** A header's value, as Fetch's `Headers.get` answers it (a repeated header joined with ", "). */
  get(name: string): string | null {
    const value = this.#request.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === "string" ? value : value.join(", ");
  }
}
