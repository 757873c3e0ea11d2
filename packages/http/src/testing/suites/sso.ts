import type { Actor } from "@gatehousejs/core";
import { createFakeIdentityProvider, type FakePerson } from "@gatehousejs/core/testing";
import { describe, expect, test } from "vitest";
import type { GatehouseHandlerOptions } from "../../options.js";
import { type Browser, ORIGIN, setCookieOf } from "../client.js";
import { MINUTE, type Setup, staff, system, unique } from "../harness.js";

const STAFF_KEY = "operator-key-of-the-suite";
/** How the suites' host finds its platform staff: a header only its operators' tool sends. */
const staffOf = (request: Request): Actor | null =>
  request.headers.get("x-operator-key") === STAFF_KEY ? staff : null;
const asStaff = { "x-operator-key": STAFF_KEY };
/** What a browser sends when the identity provider redirects it back: a cross-site top-level navigation. */
const fromProvider = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" };

/** A harness with the fake identity provider and an SSO organization whose connection allows its domain. */
async function ssoSetup(
  setup: Setup,
  options: {
    handler?: GatehouseHandlerOptions;
    mfa?: "off" | "required";
    jitProvisioning?: boolean;
    managedBy?: "staff" | "organization";
  } = {},
) {
  const idp = createFakeIdentityProvider();
  const h = setup({
    sso: { identityProvider: idp, managedBy: options.managedBy ?? "staff" },
    handler: {
      staff: staffOf as GatehouseHandlerOptions["staff"],
      ...options.handler,
      // As a host behind TLS names it: a binding on plain HTTP in the test would otherwise say http://.
      sso: { callbackUrl: `${ORIGIN}/auth/sso/callback`, ...options.handler?.sso },
    },
  });
  const domain = `sso-${unique()}.test`;
  const issuer = `https://idp-${unique()}.test`;
  const organization = await h.gatehouse.createOrganization(staff, {
    name: `Initech ${unique()}`,
    preset: "enterprise",
    authMode: "sso",
    provisioning: "external",
    mfa: options.mfa ?? "off",
  });
  await h.gatehouse.upsertSsoConnection(staff, {
    organizationId: organization.id,
    issuer,
    clientId: `client-${unique()}`,
    clientSecret: "the-client-secret-of-the-suite",
    domains: [domain],
    jitProvisioning: options.jitProvisioning ?? true,
    defaultRoles: ["callback.viewer"],
  });
  const person = (local: string, fields: Partial<FakePerson> = {}): FakePerson => ({
    subject: `sub-${local}-${unique()}`,
    email: `${local}@${domain}`,
    emailVerified: true,
    givenName: local,
    familyName: "Example",
    ...fields,
  });
  /** Starts in the browser and signs in at the provider as `who`: the callback path the provider sends back. */
  const startAs = async (b: Browser, who: FakePerson, query = "") => {
    const started = await b.get(`/auth/sso/start?organizationId=${organization.id}${query}`);
    expect(started.status).toBe(303);
    return pathOf(idp.authorize(started.headers.location ?? "", who));
  };
  const auditOf = async () => {
    await h.gatehouse.flush();
    return (await h.gatehouse.listAuditLog(staff, { organizationId: organization.id, limit: 200 })).items;
  };
  return { ...h, idp, domain, issuer, organization, person, startAs, auditOf };
}

/** The path and query of a URL of the app. */
function pathOf(url: string): string {
  const parsed = new URL(url);
  expect(parsed.origin).toBe(ORIGIN);
  return `${parsed.pathname}${parsed.search}`;
}

/** SSO: start and callback (state bound to the browser, return paths, throttles) and the connection routes. */
export function describeSsoRoutes(setup: Setup): void {
  describe("SSO sign-in", () => {
    test("start by e-mail redirects to the provider, the callback signs in (JIT) and returns", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const started = await b.get(`/auth/sso/start?email=ann%40${h.domain}&returnTo=%2Fwelcome%3Ftab%3D1`);
      expect(started.status).toBe(303);
      const location = new URL(started.headers.location ?? "");
      expect(location.origin).toBe(h.issuer);
      expect(location.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/auth/sso/callback`);
      expect(location.searchParams.get("code_challenge_method")).toBe("S256");
      const binding = setCookieOf(started, "gatehouse_sso") ?? "";
      expect(binding).toMatch(/HttpOnly/i);
      expect(binding).toMatch(/SameSite=Lax/i);
      expect(binding).toMatch(/Max-Age=600/);
      expect(b.cookies.has("gatehouse_session")).toBe(false);

      const back = await b.get(pathOf(h.idp.authorize(location.toString(), h.person("ann"))), fromProvider);
      expect(back.status).toBe(303);
      expect(back.headers.location).toBe("/welcome?tab=1");
      expect(setCookieOf(back, "gatehouse_session")).toMatch(/HttpOnly/i);
      expect(b.cookies.has("gatehouse_sso")).toBe(false);
      const session = await b.get("/auth/session");
      expect(session.body).toMatchObject({
        stage: "authenticated",
        user: { email: `ann@${h.domain}`, organizationId: h.organization.id },
      });
      expect(JSON.stringify(session.body)).not.toMatch(/the-client-secret/);
    });

    test("POST /auth/sso/start answers the provider's URL as JSON, by organization", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const res = await b.post("/auth/sso/start", { organizationId: h.organization.id });
      expect(res.status).toBe(200);
      expect(new URL(res.body.url).origin).toBe(h.issuer);
      expect(res.body.expiresAt).toEqual(expect.any(String));
      expect(res.body).not.toHaveProperty("state");
      const back = await b.get(pathOf(h.idp.authorize(res.body.url, h.person("bo"))), fromProvider);
      expect(back).toMatchObject({ status: 303, headers: { location: "/" } });
      expect((await b.get("/auth/session")).body.stage).toBe("authenticated");
    });

    test("stage rules as a password sign-in: MFA required, the second factor's enrolment follows", async () => {
      const h = await ssoSetup(setup, { mfa: "required" });
      const b = h.browser();
      const back = await b.get(await h.startAs(b, h.person("cy")), fromProvider);
      expect(back.status).toBe(303);
      const session = await b.get("/auth/session");
      expect(session.body).toMatchObject({ stage: "mfa-enrollment" });
      expect((await b.get("/auth/users")).status).toBe(401);
    });

    test("an unknown domain and a refused identity are problems; with errorPath, a redirect to it", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const unknown = await b.get(`/auth/sso/start?email=someone%40elsewhere-${unique()}.test`);
      expect(unknown.status).toBe(403);
      expect(unknown.body).toMatchObject({ code: "SSO_FAILED" });
      const paged = await ssoSetup(setup, { handler: { sso: { errorPath: "/login?sso=1" } } });
      const pb = paged.browser();
      const back = await pb.get(
        await paged.startAs(pb, paged.person("mallory", { email: `mallory@foreign-${unique()}.test` })),
        fromProvider,
      );
      // The start found the organization from an address of its domain; the provider vouched for another.
      expect(back.status).toBe(303);
      expect(back.headers.location).toBe("/login?sso=1&sso_error=domain-not-allowed");
      expect(pb.cookies.has("gatehouse_session")).toBe(false);
      const none = await pb.get(`/auth/sso/start?email=x%40nowhere-${unique()}.test`);
      expect(none.headers.location).toBe("/login?sso=1&sso_error=no-connection");
    });

    test("the identity provider down: 502 IDP_UNAVAILABLE, or the error page; no session", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const path = await h.startAs(b, h.person("dee"));
      h.idp.setHealth("down");
      const back = await b.get(path, fromProvider);
      expect(back.status).toBe(502);
      expect(back.body).toMatchObject({ code: "IDP_UNAVAILABLE" });
      expect(b.cookies.has("gatehouse_session")).toBe(false);
      const paged = await ssoSetup(setup, { handler: { sso: { errorPath: "/login" } } });
      const pb = paged.browser();
      const pagedPath = await paged.startAs(pb, paged.person("dee"));
      paged.idp.setHealth("garbage");
      const sent = await pb.get(pagedPath, fromProvider);
      expect(sent).toMatchObject({ status: 303, headers: { location: "/login?sso_error=invalid-response" } });
      expect(pb.cookies.has("gatehouse_session")).toBe(false);
    });
  });

  describe("SSO return paths (open redirect)", () => {
    test("a returnTo of another origin is refused at the start, and nothing is started", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      for (const returnTo of [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aSet-Cookie:x=1",
      ]) {
        const res = await b.get(
          `/auth/sso/start?email=ann%40${h.domain}&returnTo=${encodeURIComponent(returnTo)}`,
        );
        if (returnTo === "/%0d%0aSet-Cookie:x=1") {
          // Percent-encoded, it stays a path of this site: allowed, and never a header.
          expect(res.status).toBe(303);
          continue;
        }
        expect(res.status, returnTo).toBe(400);
        expect(res.body.issues?.[0]).toMatchObject({ path: ["returnTo"], reason: "not-same-origin" });
        expect(setCookieOf(res, "gatehouse_sso")).toBeUndefined();
      }
    });

    test("a return path planted in the browser's cookie is checked again at the callback", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const path = await h.startAs(b, h.person("eve"));
      const bound = JSON.parse(decodeURIComponent(b.cookies.get("gatehouse_sso") ?? ""));
      b.cookies.set("gatehouse_sso", encodeURIComponent(JSON.stringify({ ...bound, r: "//evil.example" })));
      const back = await b.get(path, fromProvider);
      expect(back).toMatchObject({ status: 303, headers: { location: "/" } });
    });
  });

  describe("SSO login CSRF and replays", () => {
    test("an attacker's callback opened in a victim's browser never signs the victim in", async () => {
      const h = await ssoSetup(setup);
      // The attacker starts in their own browser, signs in at the provider as themselves, and keeps the URL.
      const attacker = h.browser(undefined, "198.51.100.66");
      const attackersCallback = await h.startAs(attacker, h.person("attacker"));
      // A victim who started nothing: refused before the service is asked, nothing written.
      const victim = h.browser();
      const before = (await h.auditOf()).length;
      const refused = await victim.get(attackersCallback, fromProvider);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: "SSO_FAILED" });
      expect(victim.cookies.has("gatehouse_session")).toBe(false);
      expect((await h.auditOf()).length).toBe(before);
      // A victim with a sign-in of their own pending: the states differ, refused and audited; their own works.
      const own = await h.startAs(victim, h.person("victim"));
      const again = await victim.get(attackersCallback, fromProvider);
      expect(again.status).toBe(403);
      expect(victim.cookies.has("gatehouse_session")).toBe(false);
      const refusals = (await h.auditOf()).filter((entry) => entry.action === "sso.refused");
      expect(refusals).toHaveLength(1);
      expect(refusals[0]?.details).toMatchObject({ reason: "state-mismatch" });
      expect((await victim.get(own, fromProvider)).status).toBe(303);
      expect((await victim.get("/auth/session")).body.user.email).toBe(`victim@${h.domain}`);
    });

    test("a callback replayed with its state is refused: the state is single-use", async () => {
      const h = await ssoSetup(setup);
      const b = h.browser();
      const path = await h.startAs(b, h.person("fay"));
      const bound = b.cookies.get("gatehouse_sso") ?? "";
      expect((await b.get(path, fromProvider)).status).toBe(303);
      const thief = h.browser(undefined, "198.51.100.67");
      thief.cookies.set("gatehouse_sso", bound);
      const replay = await thief.get(path, fromProvider);
      expect(replay.status).toBe(403);
      expect(replay.body).toMatchObject({ code: "SSO_FAILED" });
      expect(thief.cookies.has("gatehouse_session")).toBe(false);
    });

    test("forged states flooding the callback write at most the throttle's worth of audit entries", async () => {
      const limit = 5;
      const h = await ssoSetup(setup, {
        handler: { throttles: { "sso-callback": { limit, windowMs: 15 * MINUTE } } },
      });
      const flooder = h.browser(undefined, "198.51.100.99");
      const before = (await h.auditOf()).length;
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        // A state naming the organization, with the cookie to match (the attacker's own browser holds both).
        const state = `${h.organization.id}.${unique()}${unique()}`;
        flooder.cookies.set("gatehouse_sso", encodeURIComponent(JSON.stringify({ s: state, r: "/" })));
        statuses.push(
          (await flooder.get(`/auth/sso/callback?code=x&state=${state}&iss=${h.issuer}`, fromProvider))
            .status,
        );
      }
      expect(statuses.slice(0, limit).every((status) => status === 403)).toBe(true);
      expect(statuses.slice(limit).every((status) => status === 429)).toBe(true);
      const written = (await h.auditOf()).length - before;
      expect(written).toBe(limit);
      // The flood holds back no one else: another client signs in.
      const other = h.browser(undefined, "203.0.113.200");
      expect((await other.get(await h.startAs(other, h.person("gus")), fromProvider)).status).toBe(303);
    });
  });

  describe("SSO connection routes", () => {
    const body = (domain: string) => ({
      issuer: `https://idp-${unique()}.test`,
      clientId: "client-of-the-route",
      clientSecret: "a-secret-never-answered",
      domains: [domain],
      jitProvisioning: true,
    });

    test("staff create, read, replace and delete a connection; the secret is never answered", async () => {
      const h = await ssoSetup(setup);
      const { organization } = await h.enterpriseOrg();
      const b = h.browser();
      const path = `/auth/organizations/${organization.id}/sso-connection`;
      expect((await b.get(path, asStaff)).status).toBe(404);
      const created = await b.put(path, body(`made-${unique()}.test`), asStaff);
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        organizationId: organization.id,
        clientId: "client-of-the-route",
      });
      const read = await b.get(path, asStaff);
      expect(read.status).toBe(200);
      const replaced = await b.put(
        path,
        { ...body(`other-${unique()}.test`), clientSecret: undefined, clientId: "renamed" },
        asStaff,
      );
      expect(replaced.body).toMatchObject({ clientId: "renamed" });
      for (const res of [created, read, replaced]) {
        expect(JSON.stringify(res.body)).not.toMatch(/a-secret-never-answered|clientSecret/);
      }
      await h.gatehouse.flush();
      const audit = await h.gatehouse.listAuditLog(staff, { organizationId: organization.id, limit: 50 });
      expect(audit.items.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(["sso.connection-created", "sso.connection-changed"]),
      );
      expect(JSON.stringify(audit.items)).not.toMatch(/a-secret-never-answered/);
      expect((await b.delete(path, asStaff)).status).toBe(204);
      expect((await b.get(path, asStaff)).status).toBe(404);
    });

    test("members are refused (a staff setting), the signed-out 401, a bad body 400", async () => {
      const h = await ssoSetup(setup);
      const { organization, admin } = await h.enterpriseOrg();
      const path = `/auth/organizations/${organization.id}/sso-connection`;
      const asAdmin = await h.signIn(admin.email, admin.password);
      const refused = await asAdmin.put(path, body(`m-${unique()}.test`), {});
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: "FORBIDDEN" });
      expect((await h.browser().put(path, body(`n-${unique()}.test`), {})).status).toBe(401);
      const wrongKey = { "x-operator-key": "guess" };
      expect((await h.browser().get(path, wrongKey)).status).toBe(401);
      const bad = await h.browser().put(path, { ...body("x.test"), domains: [] }, asStaff);
      expect(bad.status).toBe(400);
      // Another organization's member cannot read this one's connection, even where members manage it.
      const managed = await ssoSetup(setup, { managedBy: "organization" });
      const other = await managed.enterpriseOrg();
      const asOther = await managed.signIn(other.admin.email, other.admin.password);
      const cross = await asOther.get(`/auth/organizations/${managed.organization.id}/sso-connection`);
      expect(cross.status).toBe(404);
      const own = await asOther.put(
        `/auth/organizations/${other.organization.id}/sso-connection`,
        body(`own-${unique()}.test`),
        {},
      );
      expect(own.status).toBe(200);
    });

    test("staff name the emergency administrators; a member may not, even an administrator", async () => {
      const h = await ssoSetup(setup, { managedBy: "organization" });
      const { users } = await h.gatehouse.inviteUsers(system, {
        organizationId: h.organization.id,
        emails: `break-glass@${h.domain}`,
        roles: ["platform.administrator"],
      });
      const user = users[0] ?? { id: "" };
      const path = `/auth/organizations/${h.organization.id}/sso-connection/emergency-administrators`;
      const named = await h.browser().put(path, { userIds: [user.id] }, asStaff);
      expect(named.status).toBe(200);
      expect(named.body.emergencyAdministratorIds).toEqual([user.id]);
      const { organization, admin } = await h.enterpriseOrg();
      const asAdmin = await h.signIn(admin.email, admin.password);
      const refused = await asAdmin.put(
        `/auth/organizations/${organization.id}/sso-connection/emergency-administrators`,
        { userIds: [] },
        {},
      );
      expect(refused.status).toBe(403);
    });
  });
}
