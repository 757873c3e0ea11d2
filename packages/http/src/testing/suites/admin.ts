import { describe, expect, test } from "vitest";
import { setCookieOf } from "../client.js";
import type { Setup } from "../harness.js";
import { type Harness, SECOND, unique } from "../harness.js";

/** An organization with an administrator, a manager and a viewer, each with a signed-in browser. */
async function organizationWithStaff(h: Harness) {
  const { organization, admin } = await h.enterpriseOrg();
  const manager = await h.onboard(organization.id, admin.actor, `manager-${unique()}@acme.test`, [
    "platform.manager",
  ]);
  const viewer = await h.onboard(organization.id, admin.actor, `viewer-${unique()}@acme.test`, [
    "platform.viewer",
  ]);
  return {
    organization,
    admin,
    manager,
    viewer,
    asAdmin: await h.signIn(admin.email, admin.password),
    asManager: await h.signIn(manager.email, manager.password),
    asViewer: await h.signIn(viewer.email, viewer.password),
  };
}

/** Users, roles and the audit log: happy paths, permissions, tenancy and malformed input. */
export function describeAdminRoutes(setup: Setup): void {
  describe("users", () => {
    test("GET /auth/users lists the organization's users, searchable and paginated", async () => {
      const h = setup();
      const { asViewer, admin, manager } = await organizationWithStaff(h);
      const all = await asViewer.get("/auth/users");
      expect(all.status).toBe(200);
      expect(all.body.items.map((u: { email: string }) => u.email).sort()).toHaveLength(3);
      expect(JSON.stringify(all.body)).not.toMatch(/Hash|Sealed|\$argon2/);
      const first = await asViewer.get("/auth/users?limit=2");
      expect(first.body.items).toHaveLength(2);
      const rest = await asViewer.get(
        `/auth/users?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(rest.body.items).toHaveLength(1);
      expect(rest.body.nextCursor).toBeNull();
      const search = await asViewer.get(
        `/auth/users?search=${encodeURIComponent(manager.email.slice(0, 12))}`,
      );
      expect(search.body.items.map((u: { id: string }) => u.id)).toEqual([manager.user.id]);
      const bad = await asViewer.get("/auth/users?limit=lots");
      expect(bad.status).toBe(400);
      expect(bad.body.issues[0].path).toEqual(["limit"]);
      expect((await asViewer.get("/auth/users?limit=5000")).status).toBe(400);
      expect((await asViewer.get(`/auth/users/${admin.user.id}`)).body.user.email).toBe(admin.email);
    });

    test("POST /auth/users/invitations invites a batch into the session's organization, never the body's", async () => {
      const h = setup();
      const { asAdmin, organization } = await organizationWithStaff(h);
      const other = await h.enterpriseOrg();
      const [a, b] = [`a-${unique()}@acme.test`, `b-${unique()}@acme.test`];
      const elsewhere = await asAdmin.post("/auth/users/invitations", {
        emails: `${a}; ${b}`,
        roles: ["platform.viewer"],
        organizationId: other.organization.id,
      });
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.issues).toEqual([expect.objectContaining({ path: ["organizationId"] })]);
      expect(h.mailer.lastTo(a)).toBeNull();
      const res = await asAdmin.post("/auth/users/invitations", {
        emails: `${a}; ${b}`,
        roles: ["platform.viewer"],
      });
      expect(res.status).toBe(201);
      expect(res.body.users.map((u: { organizationId: string }) => u.organizationId)).toEqual([
        organization.id,
        organization.id,
      ]);
      expect(res.body.deliveries).toEqual([
        expect.objectContaining({ email: a, delivered: true }),
        expect.objectContaining({ email: b, delivered: true }),
      ]);
      expect(h.mailer.lastTo(a, "invitation")).not.toBeNull();
    });

    test("an invitation batch with a bad or registered address is refused whole, with a reason per address", async () => {
      const h = setup();
      const { asAdmin, manager } = await organizationWithStaff(h);
      const fresh = `fresh-${unique()}@acme.test`;
      const res = await asAdmin.post("/auth/users/invitations", {
        emails: `${fresh}, not-an-address, ${manager.email}`,
        roles: ["platform.viewer"],
      });
      expect([400, 409]).toContain(res.status);
      expect(res.body.issues.map((i: { path: string[] }) => i.path[0])).toEqual(
        expect.arrayContaining(["not-an-address"]),
      );
      expect(h.mailer.lastTo(fresh)).toBeNull();
      const empty = await asAdmin.post("/auth/users/invitations", { emails: "x@acme.test", roles: [] });
      expect(empty.status).toBe(400);
      expect(empty.body.issues[0].path).toEqual(["roles"]);
    });

    test("POST /auth/users adds one person; PATCH edits; DELETE removes", async () => {
      const h = setup();
      const { asAdmin, admin } = await organizationWithStaff(h);
      const email = `added-${unique()}@acme.test`;
      const added = await asAdmin.post("/auth/users", {
        email,
        givenName: "Ada",
        familyName: "Lovelace",
        roles: ["platform.viewer"],
      });
      expect(added.status).toBe(201);
      expect(added.body.users[0]).toMatchObject({
        givenName: "Ada",
        familyName: "Lovelace",
        displayName: "Ada Lovelace",
      });
      const id = added.body.users[0].id as string;
      const edited = await asAdmin.patch(`/auth/users/${id}`, { familyName: "L.", phone: "+14155550123" });
      expect(edited.status).toBe(200);
      expect(edited.body.user).toMatchObject({ givenName: "Ada", familyName: "L.", phone: "+14155550123" });
      const strict = await asAdmin.patch(`/auth/users/${id}`, { organizationId: "elsewhere" });
      expect(strict.status).toBe(400);
      // The single `name` of earlier versions is an unknown field now: refused and named, never dropped.
      const old = await asAdmin.patch(`/auth/users/${id}`, { name: "Ada" });
      expect(old.status).toBe(400);
      expect(old.body.issues).toEqual([
        expect.objectContaining({ path: ["name"], reason: "unrecognized_keys" }),
      ]);
      const oldAdd = await asAdmin.post("/auth/users", { email: `b-${email}`, name: "Bea" });
      expect(oldAdd.status).toBe(400);
      expect(oldAdd.body.issues).toEqual([expect.objectContaining({ path: ["name"] })]);
      h.clock.advance(SECOND);
      const removed = await asAdmin.delete(`/auth/users/${id}`);
      expect(removed.status).toBe(204);
      expect((await asAdmin.get(`/auth/users/${id}`)).status).toBe(404);
      const log = await asAdmin.get(`/auth/audit?userId=${id}`);
      expect(log.body.items[0]).toMatchObject({ action: "user.removed", actor: { id: admin.user.id } });
    });

    test("a manager may view and edit users but not delete them (403); the viewer may not edit", async () => {
      const h = setup();
      const { asManager, asViewer, viewer } = await organizationWithStaff(h);
      const del = await asManager.delete(`/auth/users/${viewer.user.id}`);
      expect(del.status).toBe(403);
      expect(del.body).toMatchObject({ code: "FORBIDDEN", status: 403 });
      expect((await asManager.patch(`/auth/users/${viewer.user.id}`, { givenName: "V" })).status).toBe(200);
      expect(
        (await asViewer.patch(`/auth/users/${viewer.user.id}`, { roles: ["platform.administrator"] })).status,
      ).toBe(403);
      // A host route behind requirePermission agrees with the service.
      expect((await asManager.delete(`/api/accounts/${viewer.user.id}`)).status).toBe(403);
      expect((await asManager.get("/api/users-page")).body).toEqual({ canDelete: false, canEdit: true });
    });

    test("another organization's users are 404, whatever the method", async () => {
      const h = setup();
      const { asAdmin } = await organizationWithStaff(h);
      const other = await h.enterpriseOrg();
      const id = other.admin.user.id;
      expect((await asAdmin.get(`/auth/users/${id}`)).status).toBe(404);
      expect((await asAdmin.patch(`/auth/users/${id}`, { givenName: "Mallory" })).status).toBe(404);
      expect((await asAdmin.delete(`/auth/users/${id}`)).status).toBe(404);
      expect((await asAdmin.post(`/auth/users/${id}/password-reset`)).status).toBe(404);
      expect((await asAdmin.delete(`/auth/users/${id}/sessions`)).status).toBe(404);
      const long = await asAdmin.get(`/auth/users/${"x".repeat(150)}`);
      expect(long.status).toBe(400);
      expect(long.body.issues[0].path).toEqual(["id"]);
    });

    test("the last administrator cannot delete themselves (409)", async () => {
      const h = setup();
      const { asAdmin, admin } = await organizationWithStaff(h);
      const res = await asAdmin.delete(`/auth/users/${admin.user.id}`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("LAST_ADMINISTRATOR");
    });

    test("an administrator sends a reset link, resends an invitation, ends sessions; unlocking is not offered (enterprise)", async () => {
      const h = setup();
      const { asAdmin, organization, admin, viewer } = await organizationWithStaff(h);
      const reset = await asAdmin.post(`/auth/users/${viewer.user.id}/password-reset`);
      expect(reset.status).toBe(202);
      expect(reset.body).toEqual({ delivered: true });
      expect(h.mailer.lastTo(viewer.email, "password-reset")).not.toBeNull();
      const pending = `pending-${unique()}@acme.test`;
      const { users } = await h.gatehouse.inviteUsers(admin.actor, {
        organizationId: organization.id,
        emails: pending,
        roles: ["platform.viewer"],
      });
      const resent = await asAdmin.post(`/auth/users/${users[0]?.id}/invitation`);
      expect(resent.status).toBe(202);
      expect(resent.body).toMatchObject({ email: pending, delivered: true });
      const viewerBrowser = await h.signIn(viewer.email, viewer.password);
      const ended = await asAdmin.delete(`/auth/users/${viewer.user.id}/sessions`);
      expect(ended.status).toBe(200);
      expect(ended.body.ended).toBeGreaterThanOrEqual(1);
      expect((await viewerBrowser.get("/api/me")).status).toBe(401);
      const unlock = await asAdmin.post(`/auth/users/${viewer.user.id}/unlock`);
      expect(unlock.status).toBe(422);
      expect(unlock.body.code).toBe("NOT_SUPPORTED");
    });

    test("a user changing their own address must give their current password; a wrong one is a failed attempt", async () => {
      const h = setup();
      const { asAdmin, admin } = await organizationWithStaff(h);
      const email = `renamed-${unique()}@acme.test`;
      const missing = await asAdmin.patch(`/auth/users/${admin.user.id}`, { email });
      expect(missing.status).toBe(400);
      expect(missing.body.issues).toEqual([expect.objectContaining({ path: ["currentPassword"] })]);
      const wrong = await asAdmin.patch(`/auth/users/${admin.user.id}`, { email, currentPassword: "not it" });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe("INVALID_CREDENTIALS");
      const me = await asAdmin.get("/api/me");
      expect(me.status).toBe(200);
      expect((await h.gatehouse.getUser(admin.actor, { userId: admin.user.id })).email).toBe(admin.email);
    });

    test("a user who changes their own address, or ends their own sessions, loses the cookie with the session", async () => {
      const h = setup();
      const { asAdmin, admin } = await organizationWithStaff(h);
      const res = await asAdmin.patch(`/auth/users/${admin.user.id}`, {
        email: `renamed-${unique()}@acme.test`,
        currentPassword: admin.password,
      });
      expect(res.status).toBe(200);
      expect(setCookieOf(res, "gatehouse_session")).toMatch(/Max-Age=0/);
      expect((await asAdmin.get("/api/me")).status).toBe(401);
      const again = await h.signIn(res.body.user.email, admin.password);
      const revoked = await again.delete(`/auth/users/${admin.user.id}/sessions`);
      expect(revoked.status).toBe(200);
      expect(again.cookies.has("gatehouse_session")).toBe(false);
    });

    test("the actor is the session's user: a body cannot act as someone else", async () => {
      const h = setup();
      const { asViewer, admin, manager } = await organizationWithStaff(h);
      const email = `x-${unique()}@acme.test`;
      const res = await asViewer.post("/auth/users", {
        email,
        givenName: "X",
        roles: ["platform.viewer"],
        actor: { kind: "member", userId: admin.user.id },
        userId: admin.user.id,
      });
      expect(res.status).toBe(400);
      expect(res.body.issues.map((issue: { path: string[] }) => issue.path)).toEqual([["actor"], ["userId"]]);
      const plain = await asViewer.post("/auth/users", { email, givenName: "X", roles: ["platform.viewer"] });
      expect(plain.status).toBe(403);
      expect(h.mailer.lastTo(email)).toBeNull();
      const del = await asViewer.delete(`/auth/users/${manager.user.id}`);
      expect(del.status).toBe(403);
    });
  });

  describe("roles", () => {
    test("list, create, edit and delete a custom role", async () => {
      const h = setup();
      const { asAdmin } = await organizationWithStaff(h);
      const list = await asAdmin.get("/auth/roles");
      expect(list.status).toBe(200);
      expect(list.body.items.find((r: { id: string }) => r.id === "platform.administrator")).toMatchObject({
        kind: "default",
      });
      const created = await asAdmin.post("/auth/roles", {
        name: "Auditor",
        description: "Reads the audit log",
        permissions: [
          { page: "platform.user-management", action: "view" },
          { page: "platform.user-management", action: "view-audit" },
        ],
      });
      expect(created.status).toBe(201);
      const id = created.body.role.id as string;
      expect(created.body.role).toMatchObject({ kind: "custom", name: "Auditor" });
      const edited = await asAdmin.patch(`/auth/roles/${id}`, { name: "Auditors" });
      expect(edited.status).toBe(200);
      expect(edited.body.role.name).toBe("Auditors");
      expect((await asAdmin.get("/auth/roles")).body.items.map((r: { id: string }) => r.id)).toContain(id);
      expect((await asAdmin.delete(`/auth/roles/${id}`)).status).toBe(204);
      expect((await asAdmin.delete(`/auth/roles/${id}`)).status).toBe(404);
    });

    test("unknown permissions are a 400 naming each; a default role cannot change (422); a manager cannot create (403)", async () => {
      const h = setup();
      const { asAdmin, asManager } = await organizationWithStaff(h);
      const unknown = await asAdmin.post("/auth/roles", {
        name: "Odd",
        permissions: [{ page: "platform.user-management", action: "fly" }],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.issues[0]).toMatchObject({ reason: "unknown-permission" });
      const missing = await asAdmin.post("/auth/roles", { name: "No permissions field" });
      expect(missing.status).toBe(400);
      expect(missing.body.issues[0].path).toEqual(["permissions"]);
      const builtIn = await asAdmin.patch("/auth/roles/platform.viewer", { name: "Mine" });
      expect(builtIn.status).toBe(422);
      const forbidden = await asManager.post("/auth/roles", { name: "Mine", permissions: [] });
      expect(forbidden.status).toBe(403);
    });
  });

  describe("audit log", () => {
    test("GET /auth/audit pages the organization's log, newest first; it needs view-audit", async () => {
      const h = setup();
      const { asAdmin, asManager, admin } = await organizationWithStaff(h);
      h.clock.advance(5 * SECOND);
      await h.browser().post("/auth/login", { email: admin.email, password: "wrong" });
      await h.gatehouse.flush(); // a wrong password's audit entry is written after the answer
      const log = await asAdmin.get("/auth/audit?limit=3");
      expect(log.status).toBe(200);
      expect(log.body.items).toHaveLength(3);
      expect(log.body.items[0]).toMatchObject({ action: "login.failed", subjectUserId: admin.user.id });
      expect(log.body.nextCursor).toEqual(expect.any(String));
      const next = await asAdmin.get(`/auth/audit?limit=3&cursor=${encodeURIComponent(log.body.nextCursor)}`);
      expect(next.status).toBe(200);
      expect(next.body.items[0].id).not.toBe(log.body.items[0].id);
      const mine = await asAdmin.get(`/auth/audit?userId=${admin.user.id}`);
      expect(mine.body.items.length).toBeGreaterThan(0);
      for (const entry of mine.body.items as Array<{ subjectUserId: string; actor: { id: string } }>) {
        expect([entry.subjectUserId, entry.actor.id]).toContain(admin.user.id);
      }
      expect((await asManager.get("/auth/audit")).status).toBe(403);
      expect((await asAdmin.get("/auth/audit?limit=0")).status).toBe(400);
    });
  });
}
