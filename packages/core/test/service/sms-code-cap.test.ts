import { describe, expect, test } from "vitest";
import { presets, teamMatrix } from "../../src/index.js";
import { MINUTE, member, setup, staff, system } from "./harness.js";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return "OK";
}

/** A team user with a 2FA phone and backup codes, on the team preset (SMS codes, backup codes). */
async function teamUser() {
  const h = setup({ matrix: teamMatrix, policy: presets.team });
  const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
  const email = "first@team.test";
  const phone = "+14155550001";
  const { users } = await h.gatehouse.addUser(system, {
    organizationId: organization.id,
    email,
    givenName: "First",
  });
  const password = "violet harbor lamp";
  await h.gatehouse.activateAccount({ token: h.linkToken(email, "activation"), password });
  const login = await h.gatehouse.login({ email, password });
  await h.gatehouse.startMfaPhoneChange({ sessionToken: login.token, password, phone });
  const done = await h.gatehouse.confirmMfaPhone({
    sessionToken: login.token,
    code: h.sms.lastTo(phone)?.code as string,
  });
  const signIn = () => h.gatehouse.login({ email, password });
  return {
    h,
    user: users[0],
    phone,
    backupCodes: done.backupCodes ?? [],
    signIn,
    actor: member(users[0]?.id ?? ""),
  };
}

describe("smsCodeMaxAttempts at sign-in", () => {
  test("after 5 wrong SMS codes (over separate sign-ins and resends) SMS is refused; a backup code still signs in and resets the count", async () => {
    const { h, phone, backupCodes, signIn } = await teamUser();
    const max = presets.team.tokens.smsCodeMaxAttempts;
    for (let i = 0; i < max; i++) {
      // Past the team lockout's 15-minute window each time: only the second-factor counter remembers.
      h.clock.advance(16 * MINUTE);
      const pending = await signIn();
      await h.gatehouse.sendSignInCode({ sessionToken: pending.token });
      const wrong = (h.sms.lastTo(phone)?.code as string) === "000000" ? "111111" : "000000";
      expect(
        await codeOf(
          h.gatehouse.verifySecondFactor({ sessionToken: pending.token, method: "sms", code: wrong }),
        ),
      ).toBe("INVALID_CODE");
    }
    h.clock.advance(16 * MINUTE);
    const pending = await signIn();
    const sent = h.sms.messages.length;
    const refusal = h.gatehouse.sendSignInCode({ sessionToken: pending.token });
    await expect(refusal).rejects.toMatchObject({ code: "SECOND_FACTOR_LOCKED", details: { method: "sms" } });
    expect(h.sms.messages.length).toBe(sent);
    const byBackup = await h.gatehouse.verifySecondFactor({
      sessionToken: pending.token,
      method: "recovery",
      code: backupCodes[0] as string,
    });
    expect(byBackup.stage).toBe("authenticated");

    h.clock.advance(MINUTE);
    const again = await signIn();
    await h.gatehouse.sendSignInCode({ sessionToken: again.token });
    const code = h.sms.lastTo(phone)?.code as string;
    expect(
      (await h.gatehouse.verifySecondFactor({ sessionToken: again.token, method: "sms", code })).stage,
    ).toBe("authenticated");
  });
});
