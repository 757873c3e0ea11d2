import { parseSetCookie } from "cookie";

/** The host every test request is sent to, so `Origin` checks have something to compare. */
export const HOST = "app.example.test";
/** The origin of {@link HOST}. */
export const ORIGIN = `https://${HOST}`;

/** What a binding under test is: a Fetch function, told the address of the peer that sent each request. */
export type BindingFetch = (request: Request, peer: { readonly clientAddress: string }) => Promise<Response>;

/** A response as the suites read it: status, lower-case headers, Set-Cookie lines, and the body parsed. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  /** The JSON body, or the text when it is not JSON, or `{}` when there is none. */
  // biome-ignore lint/suspicious/noExplicitAny: the suites read bodies of every shape
  readonly body: any;
}

type Method = "get" | "post" | "patch" | "delete" | "put";

/**
 * A browser in miniature: keeps the cookies the app sets (honouring Max-Age=0), sends them back, and by
 * default says its requests come from a page of the same origin (`Sec-Fetch-Site: same-origin`).
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: BindingFetch,
    private readonly headers: Record<string, string> = { "sec-fetch-site": "same-origin" },
    /** The address the binding is told the requests come from. */
    readonly clientAddress = "203.0.113.10",
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.send("get", path, undefined, headers);
  }
  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.send("post", path, body, headers);
  }
  put(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.send("put", path, body, headers);
  }
  patch(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.send("patch", path, body, headers);
  }
  delete(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.send("delete", path, undefined, headers);
  }

  /** Sends a request with these exact headers besides the cookies (none of the browser's defaults). */
  bare(method: Method, path: string, headers: Record<string, string>, body?: unknown): Promise<TestResponse> {
    return this.dispatch(method, path, body, headers);
  }

  send(method: Method, path: string, body: unknown, headers: Record<string, string>): Promise<TestResponse> {
    return this.dispatch(method, path, body, { ...this.headers, ...headers });
  }

  private async dispatch(
    method: Method,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<TestResponse> {
    const sent = new Headers(headers);
    if (this.cookies.size > 0) {
      sent.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    let payload: string | undefined;
    if (body !== undefined) {
      // As supertest: an object goes as JSON; a string as it is, with the content type the test set.
      payload = typeof body === "string" ? body : JSON.stringify(body);
      if (!sent.has("content-type")) sent.set("content-type", "application/json");
    }
    const request = new Request(`${ORIGIN}${path}`, {
      method: method.toUpperCase(),
      headers: sent,
      ...(payload !== undefined && { body: payload }),
    });
    const response = await this.app(request, { clientAddress: this.clientAddress });
    return this.absorb(response);
  }

  private async absorb(response: Response): Promise<TestResponse> {
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const cookie = parseSetCookie(line);
      if (cookie.maxAge === 0 || !cookie.value) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers[name] = value;
    });
    const text = await response.text();
    let body: unknown = {};
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, headers, setCookies, body };
  }
}

/** The Set-Cookie line of one cookie in a response, or `undefined`. */
export function setCookieOf(res: TestResponse, name: string): string | undefined {
  return res.setCookies.find((line) => line.startsWith(`${name}=`));
}
