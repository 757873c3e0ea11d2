/**
 * A tiny browser stand-in over fetch: keeps cookies, sends the `Origin` header a browser sends with a form
 * POST, and does not follow redirects, so tests see each step.
 */
export interface Client {
  get(path: string): Promise<Response>;
  post(
    path: string,
    form: Record<string, string | string[]>,
    options?: { origin?: string | null },
  ): Promise<Response>;
  /** GET a page and return its body; fails on a non-200 answer. */
  page(path: string): Promise<string>;
  cookies: Map<string, string>;
}

export function createClient(base: string): Client {
  const cookies = new Map<string, string>();
  const remember = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => a.trim().toLowerCase() === "max-age=0") || value === "")
        cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const client: Client = {
    cookies,
    async get(path) {
      return remember(await fetch(base + path, { redirect: "manual", headers: { cookie: cookieHeader() } }));
    },
    async post(path, form, { origin = base } = {}) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(form)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
      }
      return remember(
        await fetch(base + path, {
          method: "POST",
          redirect: "manual",
          body,
          headers: {
            cookie: cookieHeader(),
            "content-type": "application/x-www-form-urlencoded",
            ...(origin === null ? {} : { origin }),
          },
        }),
      );
    },
    async page(path) {
      const response = await client.get(path);
      const text = await response.text();
      if (response.status !== 200)
        throw new Error(
          `GET ${path}: ${response.status} ${response.headers.get("location") ?? ""}\n${text.slice(0, 500)}`,
        );
      return text;
    },
  };
  return client;
}
