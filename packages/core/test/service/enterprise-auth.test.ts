import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, test } from "vitest";
import { GatehouseError, generateTotpCode, organizationTag } from "../../src/index.js";
import { MINUTE, setup, staff } from "./harness.js";

// Seed 000, "Multi-factor authentication", "Recovery codes", "Authentication security".

const SECOND = 1000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error.code;
    throw error;
  }
  return "OK";
}

describe("lockout (enterprise)", () => {
  test("three failed attempts lock the account for 30 minutes, and the answer says until when", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    for (let i = 0; i < 2; i++) {
      expect(await codeOf(h.gatehouse.login({ email, password: "wrong" }))).toBe("INVALID_CREDENTIALS");
      h.clock.advance(5 * SECOND);
    }
    const start = h.clock.now().getTime();
    const third = h.gatehouse.login({ email, password: "wrong" });
    await expect(third).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    const error = (await third.catch((e: unknown) => e)) as GatehouseError;
    expect(error.details.retryAt).toEqual(new Date(start + 30 * MINUTE));
  });

  test("while locked the right password is refused unchecked; the lock ends exactly 30 minutes after it began", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    for (let i = 0; i < 3; i++) {
      await codeOf(h.gatehouse.login({ email, password: "wrong" }));
      h.clock.advance(5 * SECOND);
    }
    const lockedAt = h.clock.now().getTime() - 5 * SECOND;
    const verified = h.hasher.verifications;
    expect(await codeOf(h.gatehouse.login({ email, password }))).toBe("ACCOUNT_LOCKED");
    h.clock.set(new Date(lockedAt + 30 * MINUTE - 1));
    expect(await codeOf(h.gatehouse.login({ email, password }))).toBe("ACCOUNT_LOCKED");
    expect(h.hasher.verifications).toBe(verified);
    h.clock.set(new Date(lockedAt + 30 * MINUTE));
    expect((await h.gatehouse.login({ email, password })).stage).toBe("authenticated");
  });

  test("the counter does not reset on a timer: three failures spread over days lock the account", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    await codeOf(h.gatehouse.login({ email, password: "wrong" }));
    h.clock.advance(3 * 24 * 60 * MINUTE);
    await codeOf(h.gatehouse.login({ email, password: "wrong" }));
    h.clock.advance(9 * 24 * 60 * MINUTE);
    expect(await codeOf(h.gatehouse.login({ email, password: "wrong" }))).toBe("ACCOUNT_LOCKED");
  });

  test("only a successful login resets the counter", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    await codeOf(h.gatehouse.login({ email, password: "wrong" }));
    h.clock.advance(5 * SECOND);
    await codeOf(h.gatehouse.login({ email, password: "wrong" }));
    h.clock.advance(5 * SECOND);
    await h.gatehouse.login({ email, password });
    h.clock.advance(5 * SECOND);
    expect(await codeOf(h.gatehouse.login({ email, password: "wrong" }))).toBe("INVALID_CREDENTIALS");
  });

  test("an attempt within three seconds of a failed one locks the account, even with the right password", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    await codeOf(h.gatehouse.login({ email, password: "wrong" }));
    h.clock.advance(2 * SECOND);
    expect(await codeOf(h.gatehouse.login({ email, password }))).toBe("ACCOUNT_LOCKED");
    h.clock.advance(29 * MINUTE);
    expect(await codeOf(h.gatehouse.login({ email, password }))).toBe("ACCOUNT_LOCKED");
  });

  test("after a lock ends, one more failure locks again", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    for (let i = 0; i < 3; i++) {
      await codeOf(h.gatehouse.login({ email, password: "wrong" }));
      h.clock.advance(5 * SECOND);
    }
    h.clock.advance(31 * MINUTE);
    expect(await codeOf(h.gatehouse.login({ email, password: "wrong" }))).toBe("ACCOUNT_LOCKED");
  });

  test("an unknown address answers like a wrong password, checks a dummy hash, and locks the same way", async () => {
    const h = setup();
    await h.enterpriseOrg();
    const before = h.hasher.verifications;
    expect(await codeOf(h.gatehouse.login({ email: "nobody@example.test", password: "x" }))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(h.hasher.verifications).toBe(before + 1);
    h.clock.advance(5 * SECOND);
    await codeOf(h.gatehouse.login({ email: "nobody@example.test", password: "x" }));
    h.clock.advance(5 * SECOND);
    expect(await codeOf(h.gatehouse.login({ email: "NOBODY@example.test", password: "x" }))).toBe(
      "ACCOUNT_LOCKED",
    );
  });

  test("50 parallel wrong passwords verify at most three", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    const before = h.hasher.verifications;
    const codes = await Promise.all(
      Array.from({ length: 50 }, () => codeOf(h.gatehouse.login({ email, password: "wrong" }))),
    );
    expect(h.hasher.verifications - before).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS" || c === "ACCOUNT_LOCKED").length).toBeGreaterThan(
      0,
    );
    expect(await codeOf(h.gatehouse.login({ email, password }))).toBe("ACCOUNT_LOCKED");
  });

  test("a password reset does not lift a lockout", async () => {
    const h = setup();
    const { adminEmail: email, actor, admin } = await h.enterpriseOrg();
    for (let i = 0; i < 3; i++) {
      await codeOf(h.gatehouse.login({ email, password: "wrong" }));
      h.clock.advance(5 * SECOND);
    }
    await h.gatehouse.issuePasswordReset(actor, { userId: admin.id });
    await h.gatehouse.resetPassword({
      token: h.linkToken(email, "password-reset"),
      password: "a brand new passphrase",
    });
    expect(await codeOf(h.gatehouse.login({ email, password: "a brand new passphrase" }))).toBe(
      "ACCOUNT_LOCKED",
    );
  });

  test("no one can lift an enterprise lock", async () => {
    const h = setup();
    const { actor, admin } = await h.enterpriseOrg();
    expect(await codeOf(h.gatehouse.unlockUser(actor, { userId: admin.id }))).toBe("NOT_SUPPORTED");
    expect(await codeOf(h.gatehouse.unlockUser(staff, { userId: admin.id }))).toBe("NOT_SUPPORTED");
  });
});

describe("sessions (enterprise)", () => {
  test("users are logged out after 15 minutes of inactivity; activity slides the deadline", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email, password });
    h.clock.advance(14 * MINUTE);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    h.clock.advance(14 * MINUTE);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    h.clock.advance(15 * MINUTE);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).toBeNull();
  });

  test("activity never extends a session past its absolute lifetime of 12 hours", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email, password });
    for (let i = 0; i < 12 * 6 - 1; i++) {
      h.clock.advance(10 * MINUTE);
      expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
    }
    h.clock.advance(10 * MINUTE);
    expect(await h.gatehouse.validateSession({ sessionToken: token })).toBeNull();
  });

  test("only the hash of a session token is stored; each sign-in gets a new token naming its organization", async () => {
    const h = setup();
    const { adminEmail: email, password, admin } = await h.enterpriseOrg();
    const a = await h.gatehouse.login({ email, password });
    const b = await h.gatehouse.login({ email, password });
    expect(a.token).not.toBe(b.token);
    const [tag, secret] = a.token.split(".");
    expect(tag).toBe(organizationTag(admin.organizationId));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await h.store.sessions.listByUser(admin.id, h.clock.now());
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  test("logout ends the session", async () => {
    const h = setup();
    const { adminEmail: email, password } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email, password });
    await h.gatehouse.logout({ sessionToken: token });
    expect(await h.gatehouse.validateSession({ sessionToken: token })).toBeNull();
  });
});

describe("multi-factor authentication (enterprise)", () => {
  async function enrolled() {
    const h = setup();
    const org = await h.enterpriseOrg();
    const open = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    await h.gatehouse.updateOrganizationSettings(staff, {
      organizationId: org.organization.id,
      mfa: "required",
    });
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    const enrollment = await h.gatehouse.beginTotpEnrollment({ sessionToken: login.token });
    const secret = decodeBase32IgnorePadding(enrollment.secret);
    const done = await h.gatehouse.completeTotpEnrollment({
      sessionToken: login.token,
      code: generateTotpCode(secret, h.clock.now()),
    });
    return { h, org, open, login, enrollment, secret, done };
  }

  test("only platform staff (the super admin) can require MFA for an organization", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    expect(
      await codeOf(
        h.gatehouse.updateOrganizationSettings(actor, { organizationId: organization.id, mfa: "required" }),
      ),
    ).toBe("FORBIDDEN");
    const updated = await h.gatehouse.updateOrganizationSettings(staff, {
      organizationId: organization.id,
      mfa: "required",
    });
    expect(updated.settings.mfa).toBe("required");
  });

  test("with MFA required, users are sent to enrolment at their next login; open sessions are not cut", async () => {
    const { open, login } = await enrolled();
    expect(login.stage).toBe("mfa-enrollment");
    expect(open.stage).toBe("authenticated");
  });

  test("enrolment gives a QR-code URI and the optional secret code; a valid code lands on the profile and an e-mail is sent", async () => {
    const { h, org, enrollment, done, login } = await enrolled();
    expect(enrollment.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrollment.uri).toContain(`secret=${enrollment.secret}`);
    expect(done.stage).toBe("authenticated");
    expect(await h.gatehouse.validateSession({ sessionToken: login.token })).toBeNull();
    expect(await h.gatehouse.validateSession({ sessionToken: done.token })).not.toBeNull();
    expect(h.mailer.lastTo(org.adminEmail, "mfa-enabled")).not.toBeNull();
  });

  test("enrolment completes only after a valid code", async () => {
    const h = setup();
    const org = await h.enterpriseOrg("Acme", { mfa: "required" });
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    await h.gatehouse.beginTotpEnrollment({ sessionToken: login.token });
    expect(
      await codeOf(h.gatehouse.completeTotpEnrollment({ sessionToken: login.token, code: "000000" })),
    ).toBe("INVALID_CODE");
    expect((await h.store.users.findById(org.admin.id))?.totp).toBeNull();
  });

  test("after enrolment every login asks for a code; a code is never accepted twice", async () => {
    const { h, org, secret } = await enrolled();
    h.clock.advance(60 * SECOND);
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(login.stage).toBe("mfa");
    expect(await h.gatehouse.validateSession({ sessionToken: login.token })).toMatchObject({
      session: { stage: "mfa" },
    });
    const code = generateTotpCode(secret, h.clock.now());
    const done = await h.gatehouse.verifySecondFactor({ sessionToken: login.token, method: "totp", code });
    expect(done.stage).toBe("authenticated");
    h.clock.advance(5 * SECOND);
    const replay = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(
      await codeOf(h.gatehouse.verifySecondFactor({ sessionToken: replay.token, method: "totp", code })),
    ).toBe("INVALID_CODE");
  });

  test("a wrong second-factor code counts as a failed attempt toward the lockout", async () => {
    const { h, org } = await enrolled();
    h.clock.advance(60 * SECOND);
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    for (let i = 0; i < 2; i++) {
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: login.token, method: "totp", code: "000000" }),
        ),
      ).toBe("INVALID_CODE");
      h.clock.advance(5 * SECOND);
    }
    expect(
      await codeOf(
        h.gatehouse.verifySecondFactor({ sessionToken: login.token, method: "totp", code: "000000" }),
      ),
    ).toBe("ACCOUNT_LOCKED");
    expect(await codeOf(h.gatehouse.login({ email: org.adminEmail, password: org.password }))).toBe(
      "ACCOUNT_LOCKED",
    );
  });

  test("the TOTP secret and recovery code are encrypted at rest", async () => {
    const { h, org, enrollment } = await enrolled();
    const record = await h.store.users.findById(org.admin.id);
    expect(JSON.stringify(record)).not.toContain(enrollment.secret);
    expect(record?.totp?.secretSealed).toMatch(/^v1\./);
    expect(record?.recoveryCodeSealed).toMatch(/^v1\./);
  });

  test("Show Recovery Code asks for the password, and the code signs in once and is rotated", async () => {
    const { h, org, done } = await enrolled();
    expect(
      await codeOf(h.gatehouse.revealRecoveryCode({ sessionToken: done.token, password: "wrong" })),
    ).toBe("INVALID_CREDENTIALS");
    h.clock.advance(5 * SECOND);
    const { code } = await h.gatehouse.revealRecoveryCode({
      sessionToken: done.token,
      password: org.password,
    });
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    const signedIn = await h.gatehouse.verifySecondFactor({
      sessionToken: login.token,
      method: "recovery",
      code,
    });
    expect(signedIn.stage).toBe("authenticated");
    const { code: rotated } = await h.gatehouse.revealRecoveryCode({
      sessionToken: signedIn.token,
      password: org.password,
    });
    expect(rotated).not.toBe(code);
    h.clock.advance(5 * SECOND);
    const again = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(
      await codeOf(h.gatehouse.verifySecondFactor({ sessionToken: again.token, method: "recovery", code })),
    ).toBe("INVALID_CODE");
    const log = await h.gatehouse.listAuditLog(org.actor, {
      organizationId: org.organization.id,
      userId: org.admin.id,
    });
    expect(log.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["recovery-code.viewed", "recovery-code.used", "mfa.enrolled"]),
    );
  });

  test("a session waiting for the second factor passes no permission check", async () => {
    const { h, org } = await enrolled();
    h.clock.advance(60 * SECOND);
    const login = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(
      await codeOf(h.gatehouse.revealRecoveryCode({ sessionToken: login.token, password: org.password })),
    ).toBe("UNAUTHENTICATED");
  });
});

describe("password reset", () => {
  test("the link is valid 30 minutes, works once, never signs in, and ends every session", async () => {
    const h = setup();
    const { adminEmail: email, password, actor, admin } = await h.enterpriseOrg();
    const { token: session } = await h.gatehouse.login({ email, password });
    await h.gatehouse.issuePasswordReset(actor, { userId: admin.id });
    const link = h.linkToken(email, "password-reset");
    h.clock.advance(30 * MINUTE - 1);
    await h.gatehouse.resetPassword({ token: link, password: "another fine passphrase" });
    expect(await h.gatehouse.validateSession({ sessionToken: session })).toBeNull();
    expect(await codeOf(h.gatehouse.resetPassword({ token: link, password: "yet another passphrase" }))).toBe(
      "TOKEN_INVALID",
    );
    expect((await h.gatehouse.login({ email, password: "another fine passphrase" })).stage).toBe(
      "authenticated",
    );
  });

  test("the link is dead at exactly 30 minutes", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const link = h.linkToken(email, "password-reset");
    h.clock.advance(30 * MINUTE);
    expect(
      await codeOf(h.gatehouse.resetPassword({ token: link, password: "another fine passphrase" })),
    ).toBe("TOKEN_INVALID");
  });

  test("asking again sends a new link and the older one stops working", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const first = h.linkToken(email, "password-reset");
    await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const second = h.linkToken(email, "password-reset");
    expect(second).not.toBe(first);
    expect(
      await codeOf(h.gatehouse.resetPassword({ token: first, password: "another fine passphrase" })),
    ).toBe("TOKEN_INVALID");
    await h.gatehouse.resetPassword({ token: second, password: "another fine passphrase" });
  });

  test("a rejected new password does not burn the link", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const link = h.linkToken(email, "password-reset");
    expect(await codeOf(h.gatehouse.resetPassword({ token: link, password: "short" }))).toBe("VALIDATION");
    await h.gatehouse.resetPassword({ token: link, password: "another fine passphrase" });
  });

  test("forgot password answers the same for unknown addresses and sends nothing", async () => {
    const h = setup();
    await h.enterpriseOrg();
    const before = h.mailer.messages.length;
    await expect(h.gatehouse.requestPasswordReset({ email: "nobody@example.test" })).resolves.toBeUndefined();
    await h.gatehouse.flush();
    expect(h.mailer.messages.length).toBe(before);
  });

  test("an SSO organization has no password reset: a clear error for the administrator, no e-mail", async () => {
    const h = setup();
    const { organization, actor, admin, adminEmail } = await h.enterpriseOrg();
    await h.gatehouse.updateOrganizationSettings(staff, { organizationId: organization.id, authMode: "sso" });
    const before = h.mailer.messages.length;
    expect(await codeOf(h.gatehouse.issuePasswordReset(actor, { userId: admin.id }))).toBe("NOT_SUPPORTED");
    await expect(h.gatehouse.requestPasswordReset({ email: adminEmail })).resolves.toBeUndefined();
    await h.gatehouse.flush();
    expect(h.mailer.messages.length).toBe(before);
  });

  test("50 parallel uses of one reset link: exactly one wins", async () => {
    const h = setup();
    const { adminEmail: email } = await h.enterpriseOrg();
    await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const link = h.linkToken(email, "password-reset");
    const codes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        codeOf(h.gatehouse.resetPassword({ token: link, password: `passphrase number ${i} here` })),
      ),
    );
    expect(codes.filter((c) => c === "OK")).toHaveLength(1);
  });
});

describe("message throttling", () => {
  test("a sixth reset link within the hour is not sent; forgot password still answers the same", async () => {
    const h = setup();
    const { adminEmail: email, actor, admin } = await h.enterpriseOrg();
    for (let i = 0; i < 5; i++) await h.gatehouse.requestPasswordReset({ email });
    await h.gatehouse.flush();
    const sent = h.mailer.messages.filter((m) => m.message.kind === "password-reset").length;
    await expect(h.gatehouse.requestPasswordReset({ email })).resolves.toBeUndefined();
    await h.gatehouse.flush();
    expect(h.mailer.messages.filter((m) => m.message.kind === "password-reset").length).toBe(sent);
    expect(await codeOf(h.gatehouse.issuePasswordReset(actor, { userId: admin.id }))).toBe("RATE_LIMITED");
    h.clock.advance(60 * MINUTE);
    await h.gatehouse.issuePasswordReset(actor, { userId: admin.id });
  });
});
