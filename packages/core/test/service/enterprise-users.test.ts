import { describe, expect, test } from "vitest";
import { GatehouseError } from "../../src/index.js";
import { member, setup, staff, system } from "./harness.js";

// Seed 000, "Add new user accounts", "Edit user accounts", "Deleting user accounts", roles and permissions.

async function rejects(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a GatehouseError");
}

describe("inviting users (enterprise)", () => {
  test("one field of addresses, several roles: each gets a registration e-mail with a temporary password", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const result = await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: "Ann@Example.test; bob@example.test,\ncid@example.test  dee@example.test",
      roles: ["callback.viewer", "platform.viewer"],
    });
    expect(result.users.map((u) => u.email)).toEqual([
      "ann@example.test",
      "bob@example.test",
      "cid@example.test",
      "dee@example.test",
    ]);
    for (const user of result.users) {
      expect(user.roles).toEqual(["callback.viewer", "platform.viewer"]);
      expect(user.status).toBe("invited");
      expect(user.passwordChangeRequired).toBe(true);
      const mail = h.mailer.lastTo(user.email, "invitation");
      expect(mail?.text).toContain(h.temporaryPassword(user.email));
    }
    expect(result.deliveries.every((d) => d.delivered)).toBe(true);
  });

  test("the temporary password is stored only as its SHA-256 hash", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const { users } = await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: "ann@example.test",
      roles: ["callback.viewer"],
    });
    const record = await h.store.users.findById(users[0]?.id as string);
    const temporary = h.temporaryPassword("ann@example.test");
    expect(JSON.stringify(record)).not.toContain(temporary);
    expect(record?.temporaryPasswordHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("the temporary password must be changed at first login", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: "ann@example.test",
      roles: ["callback.viewer"],
    });
    const first = await h.gatehouse.login({
      email: "ann@example.test",
      password: h.temporaryPassword("ann@example.test"),
    });
    expect(first.stage).toBe("password-change");
    const pending = await h.gatehouse.validateSession({ sessionToken: first.token });
    expect(pending?.session.stage).toBe("password-change");
    const next = await h.gatehouse.changePassword({
      sessionToken: first.token,
      newPassword: "my own long password",
    });
    expect(next.stage).toBe("authenticated");
    expect(next.token).not.toBe(first.token);
    expect(await h.gatehouse.validateSession({ sessionToken: first.token })).toBeNull();
    await expect(
      h.gatehouse.login({ email: "ann@example.test", password: h.temporaryPassword("ann@example.test") }),
    ).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  test("a batch with bad addresses is rejected whole, naming each; nothing is created or sent", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const before = h.mailer.messages.length;
    const error = await rejects(
      h.gatehouse.inviteUsers(actor, {
        organizationId: organization.id,
        emails: "good@example.test, not-an-address; also@bad@x",
        roles: ["callback.viewer"],
      }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.details.issues?.map((i) => i.path[0])).toEqual(["not-an-address", "also@bad@x"]);
    expect(await h.store.users.findByEmail("good@example.test")).toBeNull();
    expect(h.mailer.messages.length).toBe(before);
  });

  test("a batch with an address already in the organization or registered elsewhere is rejected whole", async () => {
    const h = setup();
    const acme = await h.enterpriseOrg("Acme");
    const globex = await h.enterpriseOrg("Globex");
    const before = h.mailer.messages.length;
    const error = await rejects(
      h.gatehouse.inviteUsers(acme.actor, {
        organizationId: acme.organization.id,
        emails: `new@example.test ${acme.adminEmail.toUpperCase()} ${globex.adminEmail}`,
        roles: ["callback.viewer"],
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.details.issues).toEqual([
      expect.objectContaining({ path: [acme.adminEmail], reason: "already-in-organization" }),
      expect.objectContaining({ path: [globex.adminEmail], reason: "already-registered" }),
    ]);
    expect(await h.store.users.findByEmail("new@example.test")).toBeNull();
    expect(h.mailer.messages.length).toBe(before);
  });

  test("a failed delivery is reported and can be resent; the older temporary password stops working", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    h.mailer.failNext(1);
    const result = await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: "ann@example.test bob@example.test",
      roles: ["callback.viewer"],
    });
    expect(result.deliveries.filter((d) => !d.delivered)).toHaveLength(1);
    const failed = result.deliveries.find((d) => !d.delivered);
    const resent = await h.gatehouse.resendInvitation(actor, { userId: failed?.userId as string });
    expect(resent.delivered).toBe(true);
    const login = await h.gatehouse.login({
      email: resent.email,
      password: h.temporaryPassword(resent.email),
    });
    expect(login.stage).toBe("password-change");
  });

  test("government organizations: administrators cannot add users; only the system provisions", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    await h.gatehouse.updateOrganizationSettings(staff, {
      organizationId: organization.id,
      provisioning: "external",
    });
    const refused = await rejects(
      h.gatehouse.inviteUsers(actor, {
        organizationId: organization.id,
        emails: "x@example.test",
        roles: ["callback.viewer"],
      }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    await expect(
      h.gatehouse.inviteUsers(staff, {
        organizationId: organization.id,
        emails: "x@example.test",
        roles: ["callback.viewer"],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const ok = await h.gatehouse.inviteUsers(system, {
      organizationId: organization.id,
      emails: "x@example.test",
      roles: ["callback.viewer"],
    });
    expect(ok.users).toHaveLength(1);
  });
});

describe("editing and deleting users (enterprise)", () => {
  test("e-mail may change, and the user must log in again with the new address", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).not.toBeNull();
    await h.gatehouse.updateUser(actor, {
      userId: ann.user.id,
      email: "Ann.New@Example.test",
      givenName: "Ann",
      familyName: "New",
    });
    expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).toBeNull();
    await expect(
      h.gatehouse.login({ email: "ann@example.test", password: ann.password }),
    ).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    h.clock.advance(5_000);
    const again = await h.gatehouse.login({ email: "ann.new@example.test", password: ann.password });
    expect(again.stage).toBe("authenticated");
    // The old address is told, but not the new one: the old mailbox may be a stranger's.
    expect(h.mailer.lastTo("ann@example.test", "email-changed")?.text).not.toContain("ann.new@example.test");
    const log = await h.gatehouse.listAuditLog(actor, {
      organizationId: organization.id,
      userId: ann.user.id,
    });
    expect(log.items.map((e) => e.action)).toContain("user.email-changed");
  });

  test("name and roles may be changed; the audit log names the fields", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    const updated = await h.gatehouse.updateUser(actor, {
      userId: ann.user.id,
      givenName: "Ann",
      roles: ["callback.manager"],
    });
    expect(updated).toMatchObject({ givenName: "Ann", displayName: "Ann", roles: ["callback.manager"] });
    const log = await h.gatehouse.listAuditLog(actor, {
      organizationId: organization.id,
      userId: ann.user.id,
    });
    const edit = log.items.find((e) => e.action === "user.updated");
    expect(edit?.details).toEqual({ fields: ["givenName", "roles"] });
    expect(log.items.find((e) => e.action === "user.roles-changed")?.details).toEqual({
      from: ["callback.viewer"],
      to: ["callback.manager"],
    });
  });

  test("a user may edit their own name and phone, but not their own roles", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    await h.gatehouse.updateUser(ann.actor, {
      userId: ann.user.id,
      givenName: "Ann",
      familyName: "A.",
      phone: "+14155550123",
    });
    await expect(
      h.gatehouse.updateUser(ann.actor, { userId: ann.user.id, roles: ["platform.administrator"] }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  test("only administrators delete; deletion is permanent and the audit log keeps who removed whom", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    const manager = await h.onboard(organization.id, actor, "manager@example.test", ["platform.manager"]);
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    await expect(h.gatehouse.removeUser(manager.actor, { userId: ann.user.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await h.gatehouse.removeUser(actor, { userId: ann.user.id });
    await expect(h.gatehouse.getUser(actor, { userId: ann.user.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await h.gatehouse.validateSession({ sessionToken: ann.session.token })).toBeNull();
    const log = await h.gatehouse.listAuditLog(actor, { organizationId: organization.id });
    const removal = log.items.find((e) => e.action === "user.removed");
    expect(removal).toMatchObject({
      actor: { kind: "member", id: admin.id },
      subjectUserId: ann.user.id,
      subjectEmail: "ann@example.test",
    });
  });

  test("the last administrator can be neither removed nor demoted", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    await expect(h.gatehouse.removeUser(actor, { userId: admin.id })).rejects.toMatchObject({
      code: "LAST_ADMINISTRATOR",
    });
    await expect(
      h.gatehouse.updateUser(actor, { userId: admin.id, roles: ["callback.viewer"] }),
    ).rejects.toMatchObject({
      code: "LAST_ADMINISTRATOR",
    });
    const second = await h.onboard(organization.id, actor, "second@example.test", [
      "platform.administrator",
      "callback.administrator",
    ]);
    await h.gatehouse.updateUser(second.actor, { userId: admin.id, roles: ["callback.viewer"] });
    await expect(h.gatehouse.removeUser(second.actor, { userId: second.user.id })).rejects.toMatchObject({
      code: "LAST_ADMINISTRATOR",
    });
  });

  test("two administrators demoting each other at once leave one administrator", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    const second = await h.onboard(organization.id, actor, "second@example.test", [
      "platform.administrator",
      "callback.administrator",
    ]);
    const results = await Promise.allSettled([
      h.gatehouse.updateUser(actor, { userId: second.user.id, roles: ["callback.viewer"] }),
      h.gatehouse.updateUser(second.actor, { userId: admin.id, roles: ["callback.viewer"] }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await h.store.users.countWithAnyRole(organization.id, ["platform.administrator"]);
    expect(admins).toBe(1);
  });
});

describe("privilege escalation and tenant isolation", () => {
  test("a Manager edits existing users but cannot grant a role carrying permissions they lack", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const manager = await h.onboard(organization.id, actor, "manager@example.test", [
      "platform.manager",
      "callback.manager",
    ]);
    const ann = await h.onboard(organization.id, actor, "ann@example.test", ["callback.viewer"]);
    await h.gatehouse.updateUser(manager.actor, { userId: ann.user.id, givenName: "Ann" });
    const error = await rejects(
      h.gatehouse.updateUser(manager.actor, { userId: ann.user.id, roles: ["platform.administrator"] }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(error.details.issues?.map((i) => i.path)).toContainEqual(["platform.user-management", "delete"]);
    await expect(
      h.gatehouse.inviteUsers(manager.actor, {
        organizationId: organization.id,
        emails: "x@example.test",
        roles: ["callback.viewer"],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  test("a Manager cannot take over an Administrator by changing their e-mail address", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    const manager = await h.onboard(organization.id, actor, "manager@example.test", ["platform.manager"]);
    await expect(
      h.gatehouse.updateUser(manager.actor, { userId: admin.id, email: "attacker@evil.test" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await h.store.users.findById(admin.id))?.email).toBe("admin@acme.test");
  });

  test("a custom role cannot carry more than its creator holds, nor a staff-reserved setting", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const manager = await h.onboard(organization.id, actor, "manager@example.test", ["platform.manager"]);
    await expect(
      h.gatehouse.createRole(actor, {
        organizationId: organization.id,
        name: "Reserved",
        permissions: [{ page: "callback.call-targets", action: "edit-reserved" }],
      }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    const role = await h.gatehouse.createRole(actor, {
      organizationId: organization.id,
      name: "Exporters",
      permissions: [{ page: "callback.exports", action: "export-audit" }],
    });
    // A Manager may edit existing custom roles, but not give one a permission they lack.
    await expect(
      h.gatehouse.updateRole(manager.actor, {
        organizationId: organization.id,
        roleId: role.id,
        permissions: [{ page: "platform.user-management", action: "delete" }],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      h.gatehouse.createRole(manager.actor, {
        organizationId: organization.id,
        name: "Mine",
        permissions: [],
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  test("every call on another organization's users answers NOT_FOUND", async () => {
    const h = setup();
    const acme = await h.enterpriseOrg("Acme");
    const globex = await h.enterpriseOrg("Globex");
    const victim = globex.admin.id;
    for (const call of [
      h.gatehouse.getUser(acme.actor, { userId: victim }),
      h.gatehouse.updateUser(acme.actor, { userId: victim, givenName: "pwned" }),
      h.gatehouse.removeUser(acme.actor, { userId: victim }),
      h.gatehouse.issuePasswordReset(acme.actor, { userId: victim }),
      h.gatehouse.revokeSessions(acme.actor, { userId: victim }),
      h.gatehouse.listUsers(acme.actor, { organizationId: globex.organization.id }),
      h.gatehouse.listAuditLog(acme.actor, { organizationId: globex.organization.id }),
      h.gatehouse.inviteUsers(acme.actor, {
        organizationId: globex.organization.id,
        emails: "x@y.test",
        roles: ["callback.viewer"],
      }),
    ]) {
      const error = await rejects(call);
      expect(["NOT_FOUND", "FORBIDDEN"]).toContain(error.code);
      expect(error.code).toBe("NOT_FOUND");
    }
    expect((await h.store.users.findById(victim))?.givenName).not.toBe("pwned");
  });

  test("listing users is paginated by cursor and searches e-mail and name", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    await h.gatehouse.inviteUsers(actor, {
      organizationId: organization.id,
      emails: Array.from({ length: 7 }, (_, i) => `user${i}@example.test`).join(","),
      roles: ["callback.viewer"],
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.gatehouse.listUsers(actor, { organizationId: organization.id, limit: 3, cursor });
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    const found = await h.gatehouse.listUsers(actor, { organizationId: organization.id, search: "USER3" });
    expect(found.items.map((u) => u.email)).toEqual(["user3@example.test"]);
  });

  test("a Viewer sees users but cannot change them", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    const viewer = await h.onboard(organization.id, actor, "viewer@example.test", ["platform.viewer"]);
    const page = await h.gatehouse.listUsers(viewer.actor, { organizationId: organization.id });
    expect(page.items.length).toBe(2);
    await expect(
      h.gatehouse.updateUser(viewer.actor, { userId: admin.id, givenName: "x" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      h.gatehouse.listAuditLog(viewer.actor, { organizationId: organization.id }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  test("an actor whose user was removed can do nothing", async () => {
    const h = setup();
    const { organization, actor } = await h.enterpriseOrg();
    const other = await h.onboard(organization.id, actor, "other@example.test", ["platform.administrator"]);
    await h.gatehouse.removeUser(actor, { userId: other.user.id });
    await expect(
      h.gatehouse.listUsers(member(other.user.id), { organizationId: organization.id }),
    ).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });
});
