import { describe, expect, test } from "vitest";
import {
  createMemoryStore,
  definePolicy,
  GatehouseError,
  presets,
  StorageUnavailableError,
  type Store,
  teamMatrix,
} from "../../src/index.js";
import { MINUTE, setup, staff, system } from "./harness.js";

// E-mail change on the memory store: what the service flows (every store) do not already show.

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error.code;
    throw error;
  }
  return "OK";
}

/** A team organization whose policy lets e-mail addresses change, so the team's SMS codes can be tried. */
async function teamWithEmailChange() {
  const team = definePolicy(presets.team, { emailChange: "relogin" });
  const h = setup({ matrix: teamMatrix, policy: team, presets: { team } });
  const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
  const email = "sam@team.test";
  const { users } = await h.gatehouse.addUser(system, {
    organizationId: organization.id,
    email,
    givenName: "Sam",
  });
  const id = users[0]?.id as string;
  const password = "violet harbor lamp post";
  await h.gatehouse.activateAccount({ token: h.linkToken(email, "activation"), password });
  const enrolling = await h.gatehouse.login({ email, password });
  await h.gatehouse.startMfaPhoneChange({ sessionToken: enrolling.token, password, phone: "+14155550001" });
  await h.gatehouse.confirmMfaPhone({
    sessionToken: enrolling.token,
    code: h.sms.lastTo("+14155550001")?.code as string,
  });
  return { ...h, organization, id, email, password };
}

describe("e-mail change: codes and links sent before it", () => {
  test("a sign-in code and a new-phone code sent before the change complete nothing after it", async () => {
    const h = await teamWithEmailChange();
    h.clock.advance(MINUTE);
    const pending = await h.gatehouse.login({ email: h.email, password: h.password });
    expect(pending.stage).toBe("mfa");
    await h.gatehouse.sendSignInCode({ sessionToken: pending.token });
    const signInCode = h.sms.lastTo("+14155550001")?.code as string;
    const moved = "sam.new@team.test";
    await h.gatehouse.updateUser(system, { userId: h.id, email: moved });

    h.clock.advance(MINUTE);
    const again = await h.gatehouse.login({ email: moved, password: h.password });
    const stale = h.gatehouse.verifySecondFactor({
      sessionToken: again.token,
      method: "sms",
      code: signInCode,
    });
    expect(await codeOf(stale)).toBe("INVALID_CODE");
    h.clock.advance(MINUTE);
    await h.gatehouse.sendSignInCode({ sessionToken: again.token });
    const fresh = h.sms.lastTo("+14155550001")?.code as string;
    const signedIn = await h.gatehouse.verifySecondFactor({
      sessionToken: again.token,
      method: "sms",
      code: fresh,
    });
    expect(signedIn.stage).toBe("authenticated");

    // A code to bind a new 2FA phone, asked for before a change, binds nothing after it.
    await h.gatehouse.startMfaPhoneChange({
      sessionToken: signedIn.token,
      password: h.password,
      phone: "+14155550002",
    });
    const bindCode = h.sms.lastTo("+14155550002")?.code as string;
    await h.gatehouse.updateUser(system, { userId: h.id, email: "sam.third@team.test" });
    h.clock.advance(MINUTE);
    const third = await h.gatehouse.login({ email: "sam.third@team.test", password: h.password });
    await h.gatehouse.sendSignInCode({ sessionToken: third.token });
    const code = h.sms.lastTo("+14155550001")?.code as string;
    const session = await h.gatehouse.verifySecondFactor({ sessionToken: third.token, method: "sms", code });
    expect(await codeOf(h.gatehouse.confirmMfaPhone({ sessionToken: session.token, code: bindCode }))).toBe(
      "INVALID_CODE",
    );
    expect((await h.store.users.findById(h.id))?.mfaPhone).toBe("+14155550001");
  });

  test("the old address of a user who never signed in is told the invitation was withdrawn, not where it went", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const { users } = await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: "jhon@example.test",
      roles: ["callback.viewer"],
    });
    await h.gatehouse.updateUser(actor, { userId: users[0]?.id as string, email: "john@example.test" });
    const notice = h.mailer.lastTo("jhon@example.test", "email-changed");
    expect(notice?.message).toEqual({
      kind: "email-changed",
      to: "jhon@example.test",
      invitationWithdrawn: true,
    });
    expect(notice?.subject).toBe("Your invitation was withdrawn");
    expect(`${notice?.text}${notice?.html}`).not.toContain("john");
    // Nothing reaches the new address until the administrator resends the invitation.
    expect(h.mailer.messages.filter((mail) => mail.to === "john@example.test")).toEqual([]);
    const log = await h.gatehouse.listAuditLog(actor, {
      organizationId: organization.id,
      userId: users[0]?.id,
    });
    expect(log.items.find((entry) => entry.action === "user.email-changed")?.details).toMatchObject({
      resendRequired: true,
    });
    expect(log.items.find((entry) => entry.action === "user.secrets-revoked")?.details).toMatchObject({
      temporaryPassword: true,
    });
  });
});

describe("e-mail change: a failure leaves nothing usable behind", () => {
  test("a reset link that outlives a failed revocation is still refused: it names the address it was mailed to", async () => {
    const memory = createMemoryStore();
    let tokensDown = false;
    const store: Store = {
      ...memory,
      tokens: {
        ...memory.tokens,
        deleteByUser: (userId, kind) => {
          if (tokensDown) return Promise.reject(new StorageUnavailableError("tokens are down", null));
          return memory.tokens.deleteByUser(userId, kind);
        },
      },
    };
    const h = setup({ store });
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    await h.gatehouse.requestPasswordReset({ email: "ann@example.test" });
    await h.gatehouse.flush();
    const stale = h.linkToken("ann@example.test", "password-reset");
    tokensDown = true;
    const change = h.gatehouse.updateUser(actor, { userId: ann.user.id, email: "ann.new@example.test" });
    expect(await codeOf(change)).toBe("STORAGE_UNAVAILABLE");
    tokensDown = false;
    expect((await h.gatehouse.getUser(actor, { userId: ann.user.id })).email).toBe("ann.new@example.test");
    const reset = h.gatehouse.resetPassword({ token: stale, password: "an attacker's own passphrase" });
    expect(await codeOf(reset)).toBe("TOKEN_INVALID");
  });
});

describe("e-mail change: refusals write nothing", () => {
  test("moving a locked user onto another user's address is refused, and the lock does not land on it", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    const bob = await h.onboard(organization.id, actor, "bob@example.test", ["callback.viewer"]);
    for (let i = 0; i < 3; i++) {
      await codeOf(h.gatehouse.login({ email: "ann@example.test", password: "wrong" }));
      h.clock.advance(5_000);
    }
    const taken = h.gatehouse.updateUser(actor, { userId: ann.user.id, email: "bob@example.test" });
    expect(await codeOf(taken)).toBe("CONFLICT");
    expect((await h.gatehouse.login({ email: "bob@example.test", password: bob.password })).stage).toBe(
      "authenticated",
    );
    expect(h.mailer.lastTo("ann@example.test", "email-changed")).toBeNull();
  });

  test("a change the actor may not make leaves the reset link working and sends no notice", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    await h.gatehouse.requestPasswordReset({ email: "ann@example.test" });
    await h.gatehouse.flush();
    const self = h.gatehouse.updateUser(ann.actor, { userId: ann.user.id, email: "elsewhere@example.test" });
    expect(await codeOf(self)).toBe("FORBIDDEN");
    const password = "a brand new passphrase for ann";
    await h.gatehouse.resetPassword({ token: h.linkToken("ann@example.test", "password-reset"), password });
    expect(h.mailer.lastTo("ann@example.test", "email-changed")).toBeNull();
  });
});
