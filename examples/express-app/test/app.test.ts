import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type Client, createClient } from "./support/client.js";
import { firstSignIn, signIn, userIdOf } from "./support/flows.js";
import { type RunningApp, STAFF_KEY, startApp, temporaryPasswordOf } from "./support/harness.js";

const ADMIN_PASSWORD = "correct horse battery staple";

let app: RunningApp;
let admin: Client;
let adminSecret: string;

beforeEach(async () => {
  app = await startApp();
  admin = createClient(app.url);
  adminSecret = await firstSignIn(app, admin, app.seed.adminEmail, ADMIN_PASSWORD);
});
afterEach(() => app.close());

/** Invites people as the administrator; answers the response. */
function invite(emails: string, roles: string[]) {
  return admin.post("/users/invite", { emails, roles });
}

describe("sign-in", () => {
  test("the password field is masked and the page has no session", async () => {
    const page = await createClient(app.url).page("/login");
    expect(page).toMatch(/<input id="password" name="password" type="password"/);
  });

  test("a wrong password is answered next to the form without saying which part was wrong", async () => {
    const client = createClient(app.url);
    const response = await client.post("/login", { email: app.seed.adminEmail, password: "nope" });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("The e-mail address or the password is not correct.");
  });

  test("three wrong passwords lock the account and the page says until when", async () => {
    const client = createClient(app.url);
    let body = "";
    let before = app.clock.now();
    for (let i = 0; i < 3; i++) {
      app.clock.advance(5_000);
      before = app.clock.now();
      body = await (await client.post("/login", { email: app.seed.adminEmail, password: "wrong" })).text();
    }
    expect(body).toContain("because 3 attempts failed");
    const until = /locked until (\S+ \S+) UTC/.exec(body)?.[1] ?? "";
    const lockEnd = new Date(`${until.replace(" ", "T")}Z`).getTime();
    expect(lockEnd - before.getTime()).toBeGreaterThan(30 * 60_000 - 1000);
    expect(lockEnd - before.getTime()).toBeLessThan(30 * 60_000 + 1000);
  });

  test("the pages of a signed-in user send a visitor without a session to the sign-in page", async () => {
    const response = await createClient(app.url).get("/users");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login");
  });

  test("a session waiting for its second factor opens no page", async () => {
    const client = createClient(app.url);
    app.clock.advance(31_000);
    await client.post("/login", { email: app.seed.adminEmail, password: ADMIN_PASSWORD });
    const response = await client.get("/users");
    expect(response.headers.get("location")).toBe("/login/verify");
  });

  test("the recovery code, revealed after the password, signs in once", async () => {
    const wrong = await admin.post("/account/recovery-code", { password: "not it" });
    expect(await wrong.text()).toMatch(/This is not your password\./);
    app.clock.advance(5_000);
    const shown = await (await admin.post("/account/recovery-code", { password: ADMIN_PASSWORD })).text();
    const code = /data-testid="recovery-code">([^<]+)</.exec(shown)?.[1] ?? "";
    expect(code.length).toBeGreaterThan(8);
    const client = createClient(app.url);
    app.clock.advance(5_000);
    await client.post("/login", { email: app.seed.adminEmail, password: ADMIN_PASSWORD });
    const verified = await client.post("/login/verify", { method: "recovery", code });
    expect(verified.headers.get("location")).toBe("/account");
  });
});

describe("CSRF", () => {
  test("a signed-in POST that does not say where it came from is refused", async () => {
    const response = await admin.post(
      "/users/invite",
      { emails: "x@acme.test", roles: "callback.viewer" },
      { origin: null },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("cross-site request forgery");
    expect(app.outbox.lastMailTo("x@acme.test")).toBeNull();
  });

  test("a form posted from another site is refused", async () => {
    const response = await admin.post(
      "/users/invite",
      { emails: "x@acme.test", roles: "callback.viewer" },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
  });
});

describe("user management", () => {
  test("inviting several addresses with several roles sends each a registration e-mail", async () => {
    const response = await invite("ann@acme.test; ben@acme.test", ["platform.manager", "callback.viewer"]);
    expect(response.headers.get("location")).toBe("/users?focus=invite");
    const page = await admin.page("/users");
    expect(page).toContain("Invited ann@acme.test, ben@acme.test.");
    for (const email of ["ann@acme.test", "ben@acme.test"]) {
      expect(temporaryPasswordOf(app.outbox, email)).toMatch(/.{12,}/);
      expect(page).toContain(`data-email="${email}"`);
    }
    expect(page).toContain("Platform Management Manager");
    expect(page).toContain("Callback Viewer");
  });

  test("a bad batch is refused whole, with the reason next to the addresses field", async () => {
    const malformed = await invite("ann@acme.test, not-an-address", ["callback.viewer"]);
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    expect(body).toMatch(/id="emails-error"[^>]*>[\s\S]*not-an-address/);
    expect(body).toContain("ann@acme.test, not-an-address</textarea>");
    const registered = await invite("ann@acme.test, admin@acme.test", ["callback.viewer"]);
    expect(registered.status).toBe(400);
    expect(await registered.text()).toMatch(/id="emails-error"[^>]*>[\s\S]*admin@acme\.test/);
    expect(app.outbox.lastMailTo("ann@acme.test")).toBeNull();
  });

  test("inviting without a role puts the error next to the roles", async () => {
    const response = await invite("ann@acme.test", []);
    expect(await response.text()).toMatch(/id="roles-error"/);
  });

  test("search and pages", async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `person${String(i).padStart(2, "0")}@acme.test`);
    await invite(emails.join("\n"), ["callback.viewer"]);
    const first = await admin.page("/users");
    expect(first.match(/<tr data-email=/g)).toHaveLength(10);
    const next = /href="(\/users\?cursor=[^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const second = await admin.page(next as string);
    expect(second.match(/<tr data-email=/g)).toHaveLength(3);
    const found = await admin.page("/users?search=person07");
    expect(found.match(/<tr data-email=/g)).toHaveLength(1);
  });

  test("a Manager sees no Delete, no Invite, and is refused with 403 when forcing the request", async () => {
    await invite("mia@acme.test, ben@acme.test", ["platform.manager", "callback.viewer"]);
    const manager = createClient(app.url);
    await firstSignIn(app, manager, "mia@acme.test", "a manager's long passphrase");
    const page = await manager.page("/users");
    expect(page).toContain("Edit</a>");
    expect(page).not.toContain("Delete</a>");
    expect(page).not.toContain("Invite users");
    const benId = userIdOf(page, "ben@acme.test");
    const forced = await manager.post(`/users/${benId}/delete`, {});
    expect(forced.status).toBe(403);
    expect(await forced.text()).toContain("403");
    expect(
      (await manager.post("/users/invite", { emails: "z@acme.test", roles: "callback.viewer" })).status,
    ).toBe(403);
    expect(await admin.page("/users")).toContain('data-email="ben@acme.test"');
  });

  test("changing a user's e-mail ends their sessions", async () => {
    await invite("ann@acme.test", ["callback.viewer"]);
    const ann = createClient(app.url);
    await firstSignIn(app, ann, "ann@acme.test", "ann's long passphrase");
    expect((await ann.get("/account")).status).toBe(200);
    const annId = userIdOf(await admin.page("/users"), "ann@acme.test");
    const saved = await admin.post(`/users/${annId}`, {
      email: "ann.new@acme.test",
      name: "Ann",
      phone: "",
      roles: ["callback.viewer"],
    });
    expect(saved.headers.get("location")).toBe(`/users?focus=${annId}`);
    const after = await ann.get("/account");
    expect(after.headers.get("location")).toBe("/login");
  });

  test("changing one's own e-mail asks for the current password", async () => {
    const adminId = userIdOf(await admin.page("/users"), app.seed.adminEmail);
    expect(await admin.page(`/users/${adminId}/edit`)).toContain('name="currentPassword" type="password"');
    const roles = ["platform.administrator", "callback.administrator"];
    const form = { email: "boss@acme.test", name: "Boss", phone: "", roles };
    const missing = await admin.post(`/users/${adminId}`, form);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/id="currentPassword-error"[^>]*>[\s\S]*current password/);
    const wrong = await admin.post(`/users/${adminId}`, { ...form, currentPassword: "not it" });
    expect(await wrong.text()).toContain("This is not your password.");
    app.clock.advance(5_000);
    const saved = await admin.post(`/users/${adminId}`, { ...form, currentPassword: ADMIN_PASSWORD });
    expect(saved.status).toBe(303);
    expect((await admin.get("/account")).headers.get("location")).toBe("/login");
  });

  test("edit errors are shown next to their field", async () => {
    await invite("ann@acme.test", ["callback.viewer"]);
    const annId = userIdOf(await admin.page("/users"), "ann@acme.test");
    const response = await admin.post(`/users/${annId}`, {
      email: "ann@acme.test",
      name: "Ann",
      phone: "12345",
      roles: ["callback.viewer"],
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="phone-error"[^>]*>[\s\S]*international format/);
  });

  test("deleting asks for confirmation, and the audit log keeps who removed whom", async () => {
    await invite("ben@acme.test", ["callback.viewer"]);
    const benId = userIdOf(await admin.page("/users"), "ben@acme.test");
    const confirm = await admin.page(`/users/${benId}/delete`);
    expect(confirm).toContain("Delete ben@acme.test?");
    const deleted = await admin.post(`/users/${benId}/delete`, {});
    expect(deleted.headers.get("location")).toBe("/users");
    expect(await admin.page("/users")).not.toContain('data-email="ben@acme.test"');
    const audit = await admin.page("/audit");
    expect(audit).toContain(`${app.seed.adminEmail} removed ben@acme.test`);
  });

  test("the administrator cannot delete the last administrator", async () => {
    const page = await admin.page("/users");
    const selfId = userIdOf(page, app.seed.adminEmail);
    const response = await admin.post(`/users/${selfId}/delete`, {});
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("last user who can manage users");
  });

  test("reset password sends a link that works once", async () => {
    await invite("ann@acme.test", ["callback.viewer"]);
    const annId = userIdOf(await admin.page("/users"), "ann@acme.test");
    await admin.post(`/users/${annId}/reset-password`, {});
    const mail = app.outbox.lastMailTo("ann@acme.test", "password-reset");
    const token = /token=([^\s&]+)/.exec(mail?.text ?? "")?.[1];
    expect(token).toBeDefined();
    const visitor = createClient(app.url);
    const form = await visitor.page(`/reset-password?token=${token}`);
    expect(form).toContain('name="token"');
    const done = await visitor.post("/reset-password", {
      token: decodeURIComponent(token as string),
      newPassword: "ann's brand new phrase",
    });
    expect(done.headers.get("location")).toBe("/login");
    const again = await visitor.post("/reset-password", {
      token: decodeURIComponent(token as string),
      newPassword: "ann's other new phrase",
    });
    expect(again.status).toBe(400);
  });
});

describe("roles, audit, settings, outbox", () => {
  test("the default roles are rendered as the product's tables", async () => {
    const page = await admin.page("/roles");
    expect(page).toContain('<table data-component="callback">');
    expect(page).toContain("Most settings (some are reserved for Mindful staff)");
    expect(page).toContain("View and edit existing users");
  });

  test("a custom role is created with the editor and can be assigned", async () => {
    const created = await admin.post("/roles", {
      name: "Widget editor",
      description: "Edits Scheduler widgets",
      permissions: ["callback.widgets|view", "callback.widgets|edit"],
    });
    expect(created.headers.get("location"), await created.clone().text()).toBe("/roles");
    const page = await admin.page("/roles");
    expect(page).toContain("Widget editor");
    const invitePage = await admin.page("/users/invite");
    expect(invitePage).toContain("Widget editor");
  });

  test("a custom role may not carry a permission its author lacks", async () => {
    const response = await admin.post("/roles", {
      name: "Webhooks",
      permissions: ["webhooks.webhooks|edit"],
    });
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toMatch(
      /id="permissions-error"[^>]*>[\s\S]*You can only give what your own roles allow, and this would also let someone edit on Webhooks\./,
    );
    expect(body).not.toContain("You do not hold");
  });

  test("a custom role without a name gets the error next to the name", async () => {
    const response = await admin.post("/roles", { name: "", permissions: ["callback.widgets|view"] });
    expect(await response.text()).toMatch(/id="name-error"/);
  });

  test("organization settings are read-only for the organization; the dev staff console changes them", async () => {
    const settings = await admin.page("/settings");
    expect(settings).toContain("Required: every user enrols at their next sign-in");
    expect(settings).toContain("reserved for platform staff");
    expect(settings).not.toContain("<select");
    const entered = await admin.get(`/dev/staff?key=${STAFF_KEY}`);
    expect(entered.headers.get("location")).toBe("/dev/staff");
    await admin.post("/dev/staff", { mfa: "optional", provisioning: "invite", authMode: "password" });
    expect(await admin.page("/settings")).toContain("Optional: users may set up an authenticator app");
    expect(await admin.page("/audit")).toContain("staff@gatehouse.test (staff)");
  });

  test("the outbox shows every message with clickable links", async () => {
    await invite("ann@acme.test", ["callback.viewer"]);
    const page = await admin.page("/dev/outbox");
    expect(page).toContain("You have been invited to Acme");
    expect(page).toContain(`<a href="${app.url}/login">${app.url}/login</a>`);
  });

  test("a second sign-in asks for the authenticator code", async () => {
    const again = createClient(app.url);
    await signIn(app, again, app.seed.adminEmail, ADMIN_PASSWORD, adminSecret);
    expect(await again.page("/account")).toContain("Authenticator app enabled");
  });
});
