import { describe, expect, test } from "vitest";
import { definePolicy, GatehouseError, presets, teamMatrix } from "../../src/index.js";
import { MINUTE, member, setup, staff, system } from "./harness.js";

// Messages that cost money or fill a mailbox: SMS codes capped per number, per user and per organization;
// invitations resent at most as often as any other message carrying a secret, and only by someone who
// outranks nobody they resend to.

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error.code;
    throw error;
  }
  return "OK";
}

/** A team organization whose users are added, activated and signed in up to the `mfa-enrollment` stage. */
function teamAtEnrollment(tokens: Parameters<typeof definePolicy>[1]["tokens"] = {}) {
  const team = definePolicy(presets.team, { tokens });
  const h = setup({ matrix: teamMatrix, policy: team, presets: { team } });
  const enrolling = async (organizationId: string, email: string) => {
    await h.gatehouse.addUser(system, { organizationId, email, givenName: "Pat" });
    const password = `violet harbor ${email.length} lamp`;
    await h.gatehouse.activateAccount({ token: h.linkToken(email, "activation"), password });
    const login = await h.gatehouse.login({ email, password });
    expect(login.stage).toBe("mfa-enrollment");
    const sendTo = (phone: string) =>
      codeOf(h.gatehouse.startMfaPhoneChange({ sessionToken: login.token, password, phone }));
    return { sendTo };
  };
  const organization = () => h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
  return { ...h, enrolling, organization };
}

const number = (i: number): string => `+1415555${String(i).padStart(4, "0")}`;

describe("SMS pumping", () => {
  test("one account at mfa-enrollment sending to 60 numbers gets 10 codes out, not 300", async () => {
    const h = teamAtEnrollment();
    const org = await h.organization();
    const pat = await h.enrolling(org.id, "pat@team.test");
    const codes: string[] = [];
    for (let round = 0; round < 5; round++)
      for (let i = 0; i < 60; i++) codes.push(await pat.sendTo(number(i)));
    expect(codes.filter((c) => c === "OK")).toHaveLength(presets.team.tokens.smsPerUserPerWindow);
    expect(new Set(codes.filter((c) => c !== "OK"))).toEqual(new Set(["RATE_LIMITED"]));
    expect(h.sms.messages).toHaveLength(10);
  });

  test("the users of one organization share its SMS budget; another organization keeps its own", async () => {
    const h = teamAtEnrollment({ smsPerOrganizationPerWindow: 4 });
    const org = await h.organization();
    const [ann, bob, cid] = await Promise.all(
      ["ann", "bob", "cid"].map((name) => h.enrolling(org.id, `${name}@team.test`)),
    );
    const sent = [
      await ann?.sendTo(number(1)),
      await ann?.sendTo(number(2)),
      await bob?.sendTo(number(3)),
      await bob?.sendTo(number(4)),
      await cid?.sendTo(number(5)),
    ];
    expect(sent).toEqual(["OK", "OK", "OK", "OK", "RATE_LIMITED"]);
    const other = await h.enrolling((await h.organization()).id, "dee@other.test");
    expect(await other.sendTo(number(6))).toBe("OK");
  });

  test("a refusal by the per-number limit does not use up the user's budget", async () => {
    const h = teamAtEnrollment();
    const org = await h.organization();
    const pat = await h.enrolling(org.id, "pat@team.test");
    const perNumber = presets.team.tokens.messagesPerWindow;
    for (let i = 0; i < perNumber + 20; i++) await pat.sendTo(number(1));
    const rest = [];
    for (let i = 2; i < 2 + presets.team.tokens.smsPerUserPerWindow - perNumber; i++)
      rest.push(await pat.sendTo(number(i)));
    expect(rest.every((c) => c === "OK")).toBe(true);
  });
});

describe("resending an invitation", () => {
  test("20 resends within the hour send 5 invitations, not 20", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const email = "ann@acme.test";
    const { users } = await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: email,
      roles: ["callback.viewer"],
    });
    const ann = users[0]?.id as string;
    const codes = [];
    for (let i = 0; i < 20; i++)
      codes.push(await codeOf(h.gatehouse.resendInvitation(actor, { userId: ann })));
    const limit = presets.enterprise.tokens.messagesPerWindow;
    expect(codes.filter((c) => c === "OK")).toHaveLength(limit);
    expect(codes.slice(limit).every((c) => c === "RATE_LIMITED")).toBe(true);
    expect(h.mailer.messages.filter((m) => m.to === email && m.message.kind === "invitation")).toHaveLength(
      1 + limit,
    );
    h.clock.advance(60 * MINUTE);
    expect(await codeOf(h.gatehouse.resendInvitation(actor, { userId: ann }))).toBe("OK");
  });

  test("someone who may invite cannot resend the invitation of a user who holds more than they do", async () => {
    const h = setup();
    const { organization, actor: admin } = await h.enterpriseOrg();
    const inviterRole = await h.gatehouse.createRole(admin, {
      organizationId: organization.id,
      name: "Inviter",
      permissions: [
        { page: "platform.user-management", action: "view" },
        { page: "platform.user-management", action: "invite" },
      ],
    });
    const inviter = await h.onboard(organization.id, admin, "inviter@acme.test", [inviterRole.id]);
    const { users } = await h.gatehouse.inviteUsers(admin, {
      organizationId: organization.id,
      emails: "boss@acme.test",
      roles: ["platform.administrator"],
    });
    const boss = users[0]?.id as string;
    const before = h.mailer.messages.length;
    const refused = await h.gatehouse
      .resendInvitation(inviter.actor, { userId: boss })
      .catch((e: GatehouseError) => e);
    expect(refused).toMatchObject({ code: "FORBIDDEN", details: { reason: "target-holds-more" } });
    expect(h.mailer.messages.length).toBe(before);
    // The inviter may still resend to people holding no more than they do.
    const { users: peers } = await h.gatehouse.inviteUsers(inviter.actor, {
      organizationId: organization.id,
      emails: "peer@acme.test",
      roles: [inviterRole.id],
    });
    expect(
      await codeOf(h.gatehouse.resendInvitation(inviter.actor, { userId: peers[0]?.id as string })),
    ).toBe("OK");
    expect(await codeOf(h.gatehouse.resendInvitation(member("usr_nobody"), { userId: boss }))).toBe(
      "UNAUTHENTICATED",
    );
  });
});
