import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, test } from "vitest";
import { generateTotpCode, presets, teamMatrix } from "../../src/index.js";
import { MINUTE, setup, staff, system } from "./harness.js";

describe("a pending stage reveals nothing about the person", () => {
  test("at the mfa stage the answer is the stage, the token and the ways to answer: no name, phone or roles", async () => {
    const h = setup();
    const org = await h.enterpriseOrg("Acme", { mfa: "required" });
    const enrolling = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(Object.keys(enrolling).sort()).toEqual(["expiresAt", "factors", "stage", "token"]);
    expect(enrolling).toMatchObject({ stage: "mfa-enrollment", factors: ["totp"] });
    const enrollment = await h.gatehouse.beginTotpEnrollment({ sessionToken: enrolling.token });
    const secret = decodeBase32IgnorePadding(enrollment.secret);
    await h.gatehouse.completeTotpEnrollment({
      sessionToken: enrolling.token,
      code: generateTotpCode(secret, h.clock.now()),
    });
    h.clock.advance(MINUTE);
    const pending = await h.gatehouse.login({ email: org.adminEmail, password: org.password });
    expect(pending).toEqual({
      stage: "mfa",
      token: expect.any(String),
      expiresAt: expect.any(Date),
      factors: ["totp", "recovery"],
    });
    const done = await h.gatehouse.verifySecondFactor({
      sessionToken: pending.token,
      method: "totp",
      code: generateTotpCode(secret, h.clock.now()),
    });
    if (done.stage !== "authenticated") throw new Error(`unexpected stage ${done.stage}`);
    expect(done.user).toMatchObject({ email: org.adminEmail, roles: expect.any(Array) });
  });

  test("an SMS factor says only that a phone exists, never its digits", async () => {
    const h = setup({ matrix: teamMatrix, policy: presets.team });
    const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
    const email = "first@team.test";
    await h.gatehouse.addUser(system, {
      organizationId: organization.id,
      email,
      givenName: "Fiona First",
      phone: "+14155550100",
    });
    const password = "violet harbor lamp";
    await h.gatehouse.activateAccount({ token: h.linkToken(email, "activation"), password });
    const login = await h.gatehouse.login({ email, password });
    await h.gatehouse.startMfaPhoneChange({ sessionToken: login.token, password, phone: "+14155550001" });
    await h.gatehouse.confirmMfaPhone({
      sessionToken: login.token,
      code: h.sms.lastTo("+14155550001")?.code as string,
    });
    h.clock.advance(MINUTE);
    const pending = await h.gatehouse.login({ email, password });
    expect(pending).toMatchObject({ stage: "mfa", factors: ["sms", "recovery"] });
    const body = JSON.stringify(pending);
    for (const secret of ["0001", "0100", "Fiona", email]) expect(body).not.toContain(secret);
  });
});
