import { generateTotpCode, presets, teamMatrix } from "@gatehousejs/core";
import { describe, expect, test } from "vitest";
import { setCookieOf } from "../client.js";
import type { Setup } from "../harness.js";
import { decodeBase32, MINUTE, SECOND, staff, system, unique } from "../harness.js";

const COOKIE = "gatehouse_session";

/** Sign-in, logout, sessions, lockout, password change and reset, MFA: every sign-in route. */
export function describeSignInRoutes(setup: Setup): void {
  describe("POST /auth/login", () => {
    test("signs in: sets an HttpOnly, Secure, SameSite=Lax cookie and answers the stage, user and factors", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = h.browser();
      const res = await b.post("/auth/login", { email: admin.email, password: admin.password });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        stage: "authenticated",
        expiresAt: new Date(h.clock.now().getTime() + 15 * MINUTE).toISOString(),
        user: expect.objectContaining({ id: admin.user.id, email: admin.email }),
        factors: [],
      });
      expect(JSON.stringify(res.body)).not.toContain(b.cookies.get(COOKIE));
      expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|\$argon2/);
      const cookie = setCookieOf(res, COOKIE) ?? "";
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/Max-Age=900/);
      expect(res.headers["cache-control"]).toBe("no-store");
      const session = await b.get("/auth/session");
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ stage: "authenticated", user: { email: admin.email } });
      expect(session.body.permissions).toContainEqual({ page: "platform.user-management", action: "delete" });
    });

    test("a wrong password and an unknown address get the same 401 problem", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const wrong = await h.browser().post("/auth/login", { email: admin.email, password: "wrong" });
      const unknown = await h
        .browser()
        .post("/auth/login", { email: `nobody-${unique()}@acme.test`, password: "wrong" });
      expect(wrong.status).toBe(401);
      expect(wrong.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(wrong.body).toMatchObject({ status: 401, code: "INVALID_CREDENTIALS", title: "Unauthorized" });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(setCookieOf(wrong, COOKIE)).toBeUndefined();
    });

    test("the lockout is answered 423 with Retry-After in seconds", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = h.browser();
      for (let i = 0; i < 2; i++) {
        expect((await b.post("/auth/login", { email: admin.email, password: "wrong" })).status).toBe(401);
        h.clock.advance(5 * SECOND);
      }
      const locked = await b.post("/auth/login", { email: admin.email, password: "wrong" });
      expect(locked.status).toBe(423);
      expect(locked.headers["retry-after"]).toBe("1800");
      expect(locked.body).toMatchObject({
        code: "ACCOUNT_LOCKED",
        retryAt: new Date(h.clock.now().getTime() + 30 * MINUTE).toISOString(),
      });
      h.clock.advance(10 * MINUTE);
      const still = await b.post("/auth/login", { email: admin.email, password: admin.password });
      expect(still.status).toBe(423);
      expect(still.headers["retry-after"]).toBe("1200");
    });

    test("a malformed body is a 400 naming each bad field; a body that is not JSON is a 400 too", async () => {
      const h = setup();
      const res = await h.browser().post("/auth/login", { email: 42 });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("VALIDATION");
      expect(res.body.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(["email", "password"]);
      const broken = await h
        .browser()
        .post("/auth/login", '{"email": "a@b.test", "password": ', { "content-type": "application/json" });
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: "VALIDATION", issues: [{ reason: "malformed-json" }] });
      const none = await h.browser().post("/auth/login");
      expect(none.status).toBe(400);
    });

    test("a body over 100 kB is refused with 413 before anything reads it", async () => {
      const h = setup();
      const res = await h.browser().post("/auth/login", { email: "a@b.test", password: "x".repeat(120_000) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
      expect(h.hasher.verifications).toBe(0);
    });

    test("signing in again ends the session this browser held before", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      const first = b.cookies.get(COOKIE) as string;
      await b.post("/auth/login", { email: admin.email, password: admin.password });
      expect(b.cookies.get(COOKIE)).not.toBe(first);
      expect(await h.gatehouse.validateSession({ sessionToken: first })).toBeNull();
    });
  });

  describe("sessions", () => {
    test("idle expiry on the service's clock: activity slides the cookie, 15 quiet minutes end it", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      h.clock.advance(14 * MINUTE);
      const active = await b.get("/api/users-page");
      expect(active.status).toBe(200);
      // The deadline moved 14 minutes: the cookie is sent again with a full Max-Age.
      expect(setCookieOf(active, COOKIE)).toMatch(/Max-Age=900/);
      h.clock.advance(14 * MINUTE);
      expect((await b.get("/api/users-page")).status).toBe(200);
      h.clock.advance(15 * MINUTE);
      const expired = await b.get("/api/users-page");
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe("UNAUTHENTICATED");
      expect(setCookieOf(expired, COOKIE)).toMatch(/Max-Age=0/);
      expect(b.cookies.has(COOKIE)).toBe(false);
    });

    test("a request within the activity interval writes nothing and does not resend the cookie", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      h.clock.advance(20 * SECOND);
      const res = await b.get("/api/users-page");
      expect(res.status).toBe(200);
      expect(setCookieOf(res, COOKIE)).toBeUndefined();
    });

    test("POST /auth/logout ends the session and clears the cookie; the old token is refused afterwards", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      const token = b.cookies.get(COOKIE) as string;
      const res = await b.post("/auth/logout");
      expect(res.status).toBe(204);
      expect(setCookieOf(res, COOKIE)).toMatch(
        /^gatehouse_session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(await h.gatehouse.validateSession({ sessionToken: token })).toBeNull();
      const replay = h.browser();
      replay.cookies.set(COOKIE, token);
      expect((await replay.get("/auth/session")).status).toBe(401);
      expect((await h.browser().post("/auth/logout")).status).toBe(204);
    });

    test("no session: guarded routes and GET /auth/session answer 401", async () => {
      const h = setup();
      expect((await h.browser().get("/auth/session")).status).toBe(401);
      expect((await h.browser().get("/api/users-page")).status).toBe(401);
      expect((await h.browser().get("/auth/users")).status).toBe(401);
      const whoami = await h.browser().get("/api/whoami");
      expect(whoami.body).toEqual({ user: null, can: false });
    });
  });

  describe("password", () => {
    test("an invited user signs in with the temporary password at the password-change stage, then sets one", async () => {
      const h = setup();
      const { organization, admin } = await h.enterpriseOrg();
      const email = `new-${unique()}@acme.test`;
      await h.gatehouse.inviteUsers(admin.actor, {
        organizationId: organization.id,
        emails: email,
        roles: ["platform.viewer"],
      });
      const b = h.browser();
      const login = await b.post("/auth/login", { email, password: h.temporaryPassword(email) });
      expect(login.body.stage).toBe("password-change");
      const pending = b.cookies.get(COOKIE) as string;
      // A pending stage passes no guard.
      expect((await b.get("/api/users-page")).status).toBe(401);
      expect((await b.get("/auth/users")).body).toMatchObject({
        code: "UNAUTHENTICATED",
        stage: "password-change",
      });
      const weak = await b.post("/auth/password/change", { newPassword: "short" });
      expect(weak.status).toBe(400);
      expect(weak.body.issues.length).toBeGreaterThan(0);
      const changed = await b.post("/auth/password/change", { newPassword: "a long and private passphrase" });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ stage: "authenticated" });
      expect(changed.body.token).toBeUndefined();
      expect(b.cookies.get(COOKIE)).not.toBe(pending);
      expect((await b.get("/api/users-page")).status).toBe(200);
    });

    test("a signed-in user changes their password by giving the current one", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      const without = await b.post("/auth/password/change", { newPassword: "another long passphrase" });
      expect(without.status).toBe(400);
      h.clock.advance(5 * SECOND);
      const wrong = await b.post("/auth/password/change", {
        currentPassword: "not it",
        newPassword: "another long passphrase",
      });
      expect(wrong.status).toBe(401);
      h.clock.advance(5 * SECOND);
      const ok = await b.post("/auth/password/change", {
        currentPassword: admin.password,
        newPassword: "another long passphrase",
      });
      expect(ok.status).toBe(200);
      expect((await b.get("/api/me")).status).toBe(200);
    });

    test("forgot password answers 202 with the same body whether or not the address is registered", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const known = await h.browser().post("/auth/password/forgot", { email: admin.email });
      const unknown = await h
        .browser()
        .post("/auth/password/forgot", { email: `ghost-${unique()}@acme.test` });
      for (const res of [known, unknown]) {
        expect(res.status).toBe(202);
        expect(res.body).toEqual(known.body);
      }
      await h.gatehouse.flush();
      expect(h.mailer.lastTo(admin.email, "password-reset")).not.toBeNull();
      // Not an address at all says so, whoever asks: the format reveals nothing about who is registered.
      const malformed = await h.browser().post("/auth/password/forgot", { email: "not an address" });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe("VALIDATION");
      expect((await h.browser().post("/auth/password/forgot", { email: 42 })).status).toBe(400);
    });

    test("a reset link sets a new password once; it never signs in; a used link is 410", async () => {
      const h = setup();
      const { admin } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      await h.browser().post("/auth/password/forgot", { email: admin.email });
      await h.gatehouse.flush();
      const token = h.linkToken(admin.email, "password-reset");
      const anon = h.browser();
      const reset = await anon.post("/auth/password/reset", { token, password: "a fresh long passphrase" });
      expect(reset.status).toBe(204);
      expect(anon.cookies.size).toBe(0);
      expect((await b.get("/api/me")).status).toBe(401);
      const again = await anon.post("/auth/password/reset", { token, password: "yet another passphrase" });
      expect(again.status).toBe(410);
      expect(again.body.code).toBe("TOKEN_INVALID");
      expect(
        (await h.browser().post("/auth/login", { email: admin.email, password: "a fresh long passphrase" }))
          .status,
      ).toBe(200);
    });
  });

  describe("multi-factor authentication (TOTP, recovery code)", () => {
    async function enrolled() {
      const h = setup();
      const { organization, admin } = await h.enterpriseOrg();
      await h.gatehouse.updateOrganizationSettings(staff, {
        organizationId: organization.id,
        mfa: "required",
      });
      const b = h.browser();
      const login = await b.post("/auth/login", { email: admin.email, password: admin.password });
      expect(login.body.stage).toBe("mfa-enrollment");
      const begin = await b.post("/auth/mfa/totp", {});
      expect(begin.status).toBe(200);
      const secret = decodeBase32(begin.body.secret);
      return { h, admin, b, begin, secret };
    }

    test("enrolment returns the otpauth URI, the secret and an SVG QR code; a valid code completes it", async () => {
      const { h, admin, b, begin, secret } = await enrolled();
      expect(begin.body.uri).toMatch(/^otpauth:\/\/totp\//);
      expect(begin.body.uri).toContain(`secret=${begin.body.secret}`);
      expect(begin.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
      const svg = Buffer.from(begin.body.qrCode.split(",")[1], "base64").toString("utf8");
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect((await b.get("/api/users-page")).status).toBe(401);
      const wrong = await b.post("/auth/mfa/totp/confirm", { code: "000000" });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe("INVALID_CODE");
      const pending = b.cookies.get(COOKIE);
      const done = await b.post("/auth/mfa/totp/confirm", { code: generateTotpCode(secret, h.clock.now()) });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        stage: "authenticated",
        factors: ["totp", "recovery"],
        backupCodes: null,
      });
      expect(b.cookies.get(COOKIE)).not.toBe(pending);
      expect((await b.get("/api/users-page")).status).toBe(200);
      expect(h.mailer.lastTo(admin.email, "mfa-enabled")).not.toBeNull();
    });

    test("the next sign-in asks for the second factor; the wrong stage is refused; the code signs in", async () => {
      const { h, admin, b, secret } = await enrolled();
      await b.post("/auth/mfa/totp/confirm", { code: generateTotpCode(secret, h.clock.now()) });
      // At the authenticated stage there is no second factor to give.
      const early = await b.post("/auth/login/second-factor", { method: "totp", code: "123456" });
      expect(early.status).toBe(401);
      expect(early.body).toMatchObject({ code: "UNAUTHENTICATED", stage: "authenticated" });
      h.clock.advance(MINUTE);
      const c = h.browser();
      const login = await c.post("/auth/login", { email: admin.email, password: admin.password });
      // Before the second factor nothing about the person is shown: no name, phone, roles or phone digits.
      expect(login.body).toEqual({
        stage: "mfa",
        expiresAt: expect.any(String),
        factors: ["totp", "recovery"],
      });
      const session = await c.get("/auth/session");
      expect(session.status).toBe(200);
      expect(session.body).toEqual({
        stage: "mfa",
        expiresAt: expect.any(String),
        factors: ["totp", "recovery"],
        permissions: [],
      });
      expect((await c.get("/api/me")).status).toBe(401);
      expect((await c.post("/auth/mfa/recovery-code", { password: admin.password })).status).toBe(401);
      const malformed = await c.post("/auth/login/second-factor", { method: "carrier-pigeon", code: "1" });
      expect(malformed.status).toBe(400);
      expect(malformed.body.issues.map((i: { path: string[] }) => i.path[0])).toEqual(["method", "code"]);
      const done = await c.post("/auth/login/second-factor", {
        method: "totp",
        code: generateTotpCode(secret, h.clock.now()),
      });
      expect(done.status).toBe(200);
      expect(done.body.stage).toBe("authenticated");
      expect((await c.get("/api/me")).status).toBe(200);
    });

    test("the recovery code is shown after the password, and signs in at the mfa stage", async () => {
      const { h, admin, b, secret } = await enrolled();
      await b.post("/auth/mfa/totp/confirm", { code: generateTotpCode(secret, h.clock.now()) });
      expect((await b.post("/auth/mfa/recovery-code", {})).status).toBe(400);
      const shown = await b.post("/auth/mfa/recovery-code", { password: admin.password });
      expect(shown.status).toBe(200);
      expect(shown.headers["cache-control"]).toBe("no-store");
      const code = shown.body.code as string;
      expect(code.length).toBeGreaterThan(8);
      h.clock.advance(MINUTE);
      const c = h.browser();
      await c.post("/auth/login", { email: admin.email, password: admin.password });
      const done = await c.post("/auth/login/recovery-code", { code });
      expect(done.status).toBe(200);
      expect(done.body.stage).toBe("authenticated");
    });

    test("a wrong second-factor code counts toward the lockout and is answered 423 at the third", async () => {
      const { h, admin, b, secret } = await enrolled();
      await b.post("/auth/mfa/totp/confirm", { code: generateTotpCode(secret, h.clock.now()) });
      h.clock.advance(MINUTE);
      const c = h.browser();
      await c.post("/auth/login", { email: admin.email, password: admin.password });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        h.clock.advance(5 * SECOND);
        statuses.push((await c.post("/auth/login/second-factor", { method: "totp", code: "000000" })).status);
      }
      expect(statuses).toEqual([401, 401, 423]);
    });
  });

  describe("SMS codes and the 2FA phone (team)", () => {
    test("activation, 2FA phone binding, then a sign-in with a code sent by SMS", async () => {
      const h = setup({ matrix: teamMatrix, policy: presets.team });
      const organization = await h.gatehouse.createOrganization(staff, {
        name: `Team ${unique()}`,
        preset: "team",
      });
      const email = `first-${unique()}@team.test`;
      await h.gatehouse.addUser(system, { organizationId: organization.id, email, givenName: "First" });
      const password = "violet harbor lamp";
      const activated = await h.browser().post("/auth/activate", {
        token: h.linkToken(email, "activation"),
        password,
      });
      expect(activated.status).toBe(200);
      expect(activated.body.user).toMatchObject({ email, status: "active" });
      const b = h.browser();
      const login = await b.post("/auth/login", { email, password });
      expect(login.body.stage).toBe("mfa-enrollment");
      const phone = "+14155550001";
      const bad = await b.post("/auth/mfa/phone", { password, phone: "0123" });
      expect(bad.status).toBe(400);
      expect(bad.body.issues[0].path).toEqual(["phone"]);
      const sent = await b.post("/auth/mfa/phone", { password, phone });
      expect(sent.status).toBe(202);
      expect(sent.body.expiresAt).toBeDefined();
      const confirm = await b.post("/auth/mfa/phone/confirm", { code: h.sms.lastTo(phone)?.code });
      expect(confirm.status).toBe(200);
      expect(confirm.body).toMatchObject({
        stage: "authenticated",
        user: { mfa: { sms: true, phoneLastDigits: "0001" } },
      });
      expect(Array.isArray(confirm.body.backupCodes)).toBe(true);

      h.clock.advance(MINUTE);
      const c = h.browser();
      const again = await c.post("/auth/login", { email, password });
      expect(again.body).toEqual({
        stage: "mfa",
        expiresAt: expect.any(String),
        factors: ["sms", "recovery"],
      });
      expect(JSON.stringify((await c.get("/auth/session")).body)).not.toContain("0001");
      const code = await c.post("/auth/login/sms-code");
      expect(code.status).toBe(202);
      const done = await c.post("/auth/login/second-factor", {
        method: "sms",
        code: h.sms.lastTo(phone)?.code,
      });
      expect(done.status).toBe(200);
      expect(done.body.stage).toBe("authenticated");
      expect((await c.post("/auth/login/sms-code")).status).toBe(401);

      // Codes are throttled per recipient: the answer is 429 with Retry-After.
      h.clock.advance(MINUTE);
      const d = h.browser();
      await d.post("/auth/login", { email, password });
      let throttled = await d.post("/auth/login/sms-code");
      for (let i = 0; i < 10 && throttled.status === 202; i++)
        throttled = await d.post("/auth/login/sms-code");
      expect(throttled.status).toBe(429);
      expect(throttled.body.code).toBe("RATE_LIMITED");
      const retryAfter = Number(throttled.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
    });

    test("an activation link works once", async () => {
      const h = setup({ matrix: teamMatrix, policy: presets.team });
      const organization = await h.gatehouse.createOrganization(staff, {
        name: `Team ${unique()}`,
        preset: "team",
      });
      const email = `once-${unique()}@team.test`;
      await h.gatehouse.addUser(system, { organizationId: organization.id, email, givenName: "Once" });
      const token = h.linkToken(email, "activation");
      expect(
        (await h.browser().post("/auth/activate", { token, password: "violet harbor lamp" })).status,
      ).toBe(200);
      const again = await h.browser().post("/auth/activate", { token, password: "violet harbor lamp" });
      expect(again.status).toBe(410);
    });
  });
}
