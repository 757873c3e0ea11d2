import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, createClient } from "./support/client.js";
import { firstSignIn } from "./support/flows.js";
import { type RunningApp, startApp } from "./support/harness.js";

// Issue 14 through fetch, on the app as `pnpm demo` runs it: the development identity provider (a real
// oidc-provider) at /dev/idp, Initech signing in through it with @gatehousejs/oidc, and Acme beside it.

const ROOT_PASSWORD = "quartz meadow lantern 19";
const system = { kind: "system", name: "sso-test" } as const;

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ sso: true });
});
afterAll(() => app.close());

/**
 * What a browser does: "Sign in with SSO" with an address, the development identity provider's page, a click
 * on a person, and every redirect back; answers where it ended and the page there.
 */
async function signInWithSso(client: Client, email: string, person: string) {
  let response = await client.get(`/auth/sso/start?email=${encodeURIComponent(email)}`);
  for (let hop = 0; hop < 12; hop++) {
    const location = response.headers.get("location");
    if (location === null) break;
    const path = location.startsWith("http") ? location.slice(app.url.length) : location;
    expect(location.startsWith("/") || location.startsWith(app.url)).toBe(true);
    response = await client.get(path);
    if (path.startsWith("/dev/idp/interaction/")) {
      const page = await response.text();
      expect(page).toContain("Development identity provider");
      expect(page).toContain("For the demo only.");
      response = await client.post(path, { person });
    }
  }
  return { status: response.status, url: response.url.slice(app.url.length), body: await response.text() };
}

describe("SSO in the demo", () => {
  test("the sign-in page offers SSO by e-mail address (home-realm discovery)", async () => {
    const page = await createClient(app.url).page("/login");
    expect(page).toContain("Sign in with SSO");
    expect(page).toMatch(/<form method="get" action="\/auth\/sso\/start"/);
    expect(page).toMatch(/<input id="sso-email" name="email" type="email"/);
  });

  test("Ann signs in through Initech's identity provider and is created just in time", async () => {
    const ann = createClient(app.url);
    const landed = await signInWithSso(ann, "ann@initech.test", "initech-ann");
    expect(landed.status).toBe(200);
    expect(landed.url).toBe("/account");
    expect(landed.body).toContain("ann@initech.test");
    expect(landed.body).toContain("Ann Archer");
    // She has no password here: nothing offers to change it.
    expect(landed.body).not.toContain('href="/password/change"');
    const found = await app.gatehouse.listUsers(system, {
      organizationId: app.ssoSeed?.organizationId ?? "",
      search: "ann@initech.test",
    });
    expect(found.items[0]).toMatchObject({
      email: "ann@initech.test",
      roles: ["platform.viewer"],
      status: "active",
    });
    // A second sign-in finds her by her link at the provider, and does not create anyone.
    const again = await signInWithSso(createClient(app.url), "ann@initech.test", "initech-ann");
    expect(again.url).toBe("/account");
  });

  test("a foreign-domain identity is refused, back on the sign-in page with the reason in words", async () => {
    const mallory = createClient(app.url);
    const landed = await signInWithSso(mallory, "ann@initech.test", "elsewhere-mallory");
    expect(landed.url).toBe("/login?sso_error=domain-not-allowed");
    expect(landed.status).toBe(403);
    expect(landed.body).toContain("a domain your organization does not own");
    expect(mallory.cookies.has("gatehouse_session")).toBe(false);
    const found = await app.gatehouse.listUsers(system, {
      organizationId: app.ssoSeed?.organizationId ?? "",
      search: "mallory",
    });
    expect(found.items).toHaveLength(0);
  });

  test("an address no organization signs in with by SSO is answered on the sign-in page", async () => {
    const client = createClient(app.url);
    const start = await client.get("/auth/sso/start?email=someone%40acme.test");
    expect(start.headers.get("location")).toBe("/login?sso_error=no-connection");
  });

  test("no password and no reset for the SSO organization's users; its emergency administrator keeps both", async () => {
    await signInWithSso(createClient(app.url), "ben@initech.test", "initech-ben");
    // A password sign-in and "forgot password" get nowhere for Ben, and no e-mail is sent.
    const ben = createClient(app.url);
    expect(
      (await ben.post("/login", { email: "ben@initech.test", password: "any password at all" })).status,
    ).toBe(401);
    const forgot = await ben.post("/forgot-password", { email: "ben@initech.test" });
    expect(forgot.status).toBe(200);
    await app.gatehouse.flush();
    expect(app.outbox.lastMailTo("ben@initech.test", "password-reset")).toBeNull();

    // The emergency administrator signs in with the password, and always a second factor.
    const root = createClient(app.url);
    await firstSignIn(app, root, app.ssoSeed?.emergencyEmail ?? "", ROOT_PASSWORD);
    const users = await root.page("/users");
    expect(users).toContain("ben@initech.test");
    expect(users).not.toContain("Reset password of ben@initech.test");
    expect(users).toContain("Reset password of root@initech.test");
    expect(await root.page("/account")).toContain('href="/password/change"');
  });
});
