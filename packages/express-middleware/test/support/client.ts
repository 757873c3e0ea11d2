import { parseSetCookie } from "cookie";
import type { Express } from "express";
import request, { type Response } from "supertest";

/** The host every test request claims to be sent to, so `Origin` checks have something to compare. */
export const HOST = "app.example.test";
export const ORIGIN = `https://${HOST}`;

type Method = "get" | "post" | "patch" | "delete" | "put";

/**
 * A browser in miniature: keeps the cookies the app sets (honouring Max-Age=0), sends them back, and by
 * default says its requests come from a page of the same origin (`Sec-Fetch-Site: same-origin`).
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Express,
    private readonly headers: Record<string, string> = { "sec-fetch-site": "same-origin" },
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send("get", path, undefined, headers);
  }
  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.send("post", path, body, headers);
  }
  patch(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.send("patch", path, body, headers);
  }
  delete(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send("delete", path, undefined, headers);
  }

  /** Sends a request with these exact headers besides the cookies (none of the browser's defaults). */
  async bare(
    method: Method,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    return this.dispatch(method, path, body, headers);
  }

  async send(
    method: Method,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Response> {
    return this.dispatch(method, path, body, { ...this.headers, ...headers });
  }

  private async dispatch(
    method: Method,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Response> {
    let req = request(this.app)[method](path).set("Host", HOST);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    if (this.cookies.size > 0) {
      req = req.set("Cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    const res = body === undefined ? await req : await req.send(body as object);
    this.absorb(res);
    return res;
  }

  private absorb(res: Response): void {
    const header = res.headers["set-cookie"] as unknown as string[] | undefined;
    for (const line of header ?? []) {
      const cookie = parseSetCookie(line);
      if (cookie.maxAge === 0 || !cookie.value) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

/** The Set-Cookie line of one cookie in a response, or `undefined`. */
export function setCookieOf(res: Response, name: string): string | undefined {
  const header = res.headers["set-cookie"] as unknown as string[] | undefined;
  return header?.find((line) => line.startsWith(`${name}=`));
}
