import { expect } from "vitest";
import type { Client } from "./client.js";
import { type RunningApp, temporaryPasswordOf, totpCode } from "./harness.js";

/** The secret code shown on the enrolment page. */
export function secretOnPage(page: string): string {
  const match = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page);
  if (!match?.[1]) throw new Error("no secret on the page");
  return match[1];
}

/**
 * A first sign-in in an organization that requires MFA: temporary password, the forced password change, the
 * enrolment. Returns the TOTP secret.
 */
export async function firstSignIn(
  app: RunningApp,
  client: Client,
  email: string,
  password: string,
): Promise<string> {
  const login = await client.post("/login", { email, password: temporaryPasswordOf(app.outbox, email) });
  expect(login.headers.get("location")).toBe("/password/change");
  const changed = await client.post("/password/change", { newPassword: password, confirmPassword: password });
  expect(changed.headers.get("location")).toBe("/mfa/enroll");
  expect(await client.page("/mfa/enroll")).not.toContain('data-testid="totp-secret"');
  const started = await client.post("/mfa/enroll/start", {});
  expect(started.status).toBe(200);
  const secret = secretOnPage(await started.text());
  const enrolled = await client.post("/mfa/enroll", { code: totpCode(secret, app.clock.now()) });
  expect(enrolled.headers.get("location")).toBe("/account");
  return secret;
}

/** A later sign-in: password, then the authenticator code (a step later than any code used before). */
export async function signIn(
  app: RunningApp,
  client: Client,
  email: string,
  password: string,
  secret: string,
) {
  app.clock.advance(31_000);
  const login = await client.post("/login", { email, password });
  expect(login.headers.get("location")).toBe("/login/verify");
  const verified = await client.post("/login/verify", {
    method: "totp",
    code: totpCode(secret, app.clock.now()),
  });
  expect(verified.headers.get("location")).toBe("/account");
}

/** The id of a user from the users table (the Edit link, or any link naming it). */
export function userIdOf(page: string, email: string): string {
  const row = new RegExp(`<tr data-email="${email.replace(/[.]/g, "\\.")}">([\\s\\S]*?)</tr>`).exec(
    page,
  )?.[1];
  const id = row && /\/users\/([^/"]+)\//.exec(row)?.[1];
  if (!id) throw new Error(`no row with an id for ${email}`);
  return id;
}
