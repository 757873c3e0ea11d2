import { describe, expect, test } from "vitest";
import { setCookieOf } from "./support/client.js";
import { setup, unique } from "./support/service.js";

// The service takes the session token and the ids in its input object; the routes put there the cookie's
// session, the session's organization and the path's id. A body naming any of them is refused (every body
// schema is strict), never followed.

describe("fields the routes fill from the request, not the body", () => {
  test("a body naming a session token is refused (400), and the cookie's session is the one used", async () => {
    const h = setup();
    const { admin } = await h.enterpriseOrg();
    const browser = await h.signIn(admin.email, admin.password);
    const other = await h.gatehouse.login({ email: admin.email, password: admin.password });
    const res = await browser.post("/auth/password/change", {
      sessionToken: other.token,
      currentPassword: admin.password,
      newPassword: "a brand new long passphrase",
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ path: ["sessionToken"] })]);
    // Nothing changed: the old password still signs in, and the other session still stands.
    expect((await h.gatehouse.login({ email: admin.email, password: admin.password })).stage).toBe(
      "authenticated",
    );
    expect(await h.gatehouse.validateSession({ sessionToken: other.token })).not.toBeNull();
  });

  test("a body naming the user, the role or the organization is refused (400); the path and session decide", async () => {
    const h = setup();
    const { organization, admin } = await h.enterpriseOrg();
    const viewer = await h.onboard(organization.id, admin.actor, `viewer-${unique()}@acme.test`, [
      "platform.viewer",
    ]);
    const browser = await h.signIn(admin.email, admin.password);
    const edit = await browser.patch(`/auth/users/${admin.user.id}`, {
      userId: viewer.user.id,
      givenName: "Mallory",
    });
    expect(edit.status).toBe(400);
    expect(edit.body.issues).toEqual([expect.objectContaining({ path: ["userId"] })]);
    expect((await h.gatehouse.getUser(admin.actor, { userId: viewer.user.id })).givenName).toBeNull();

    const created = await browser.post("/auth/roles", {
      name: "Readers",
      permissions: [{ page: "platform.user-management", action: "view" }],
    });
    expect(created.status).toBe(201);
    const rename = await browser.patch(`/auth/roles/${created.body.role.id}`, {
      roleId: "rol_other",
      organizationId: "org_other",
      name: "Renamed",
    });
    expect(rename.status).toBe(400);
    expect(rename.body.issues.map((issue: { path: string[] }) => issue.path).sort()).toEqual([
      ["organizationId"],
      ["roleId"],
    ]);
  });

  test("a cookie too long to be a token signs nobody in and is cleared, rather than failing the request", async () => {
    const h = setup();
    const browser = h.browser();
    browser.cookies.set("gatehouse_session", "x".repeat(5000));
    const res = await browser.get("/api/whoami");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: null, can: false });
    expect(setCookieOf(res, "gatehouse_session")).toMatch(/Max-Age=0/);
  });
});
