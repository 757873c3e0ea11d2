import type { Actor } from "@gatehousejs/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type Client, createClient } from "./support/client.js";
import { firstSignIn, secretOnPage, userIdOf } from "./support/flows.js";
import { type RunningApp, startApp, totpCode } from "./support/harness.js";

// A user's name on the forms: one optional "Name" in the enterprise preset (seed 000's Edit User modal),
// "First name" and "Last name" in the team preset (seed 003), stored as a given and a family name.

const system: Actor = { kind: "system", name: "names-test" };
const staff: Actor = { kind: "staff", id: "names-test", email: "staff@operator.test" };

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  app = await startApp();
  admin = createClient(app.url);
  await firstSignIn(app, admin, app.seed.adminEmail, "correct horse battery staple");
});
afterEach(() => app.close());

async function invite(email: string): Promise<string> {
  await admin.post("/users/invite", { emails: email, roles: ["callback.viewer"] });
  return userIdOf(await admin.page("/users"), email);
}

describe("enterprise: one Name field", () => {
  test("an invitee has no name, and their edit saves with the Name field left empty (issue 16)", async () => {
    const id = await invite("ann@acme.test");
    const form = await admin.page(`/users/${id}/edit`);
    expect(form).toMatch(/<label for="name">Name <span class="hint">optional<\/span><\/label>/);
    expect(form).toContain('<input id="name" name="name" type="text" value="">');
    expect(form).not.toContain('id="givenName"');
    const saved = await admin.post(`/users/${id}`, {
      email: "ann@acme.test",
      name: "",
      phone: "+14155550123",
      roles: ["callback.viewer"],
    });
    expect(saved.status).toBe(303);
    expect(await app.gatehouse.getUser(system, { userId: id })).toMatchObject({
      givenName: null,
      familyName: null,
      phone: "+14155550123",
    });
  });

  test("the Name typed is the display name exactly; a name given in two parts survives an edit of the phone", async () => {
    const id = await invite("ann@acme.test");
    await admin.post(`/users/${id}`, {
      email: "ann@acme.test",
      name: " Ann Lee ",
      roles: ["callback.viewer"],
    });
    expect(await app.gatehouse.getUser(system, { userId: id })).toMatchObject({
      givenName: "Ann Lee",
      familyName: null,
      displayName: "Ann Lee",
    });
    expect(await admin.page("/users")).toContain("<td>Ann Lee</td>");

    await app.gatehouse.updateUser(system, { userId: id, givenName: "Ann", familyName: "Lee" });
    expect(await admin.page(`/users/${id}/edit`)).toContain(
      '<input id="name" name="name" type="text" value="Ann Lee">',
    );
    await admin.post(`/users/${id}`, {
      email: "ann@acme.test",
      name: "Ann Lee",
      phone: "+14155550124",
      roles: ["callback.viewer"],
    });
    expect(await app.gatehouse.getUser(system, { userId: id })).toMatchObject({
      givenName: "Ann",
      familyName: "Lee",
      phone: "+14155550124",
    });
  });

  test("a name over 200 characters is shown next to the Name field", async () => {
    const id = await invite("ann@acme.test");
    const response = await admin.post(`/users/${id}`, {
      email: "ann@acme.test",
      name: "x".repeat(201),
      roles: ["callback.viewer"],
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="name-error"/);
  });

  test("the account page shows the display name and edits it with one field", async () => {
    const saved = await admin.post("/account", { name: "Ada Admin", phone: "" });
    expect(saved.status).toBe(303);
    const page = await admin.page("/account");
    expect(page).toContain("<dt>Name</dt><dd>Ada Admin</dd>");
    expect(page).toContain('<input id="name" name="name" type="text" value="Ada Admin">');
  });
});

describe("team: First name and Last name", () => {
  /** A team organization with a member who can manage users, signed in through the app, and a second user. */
  async function teamMember(): Promise<{ member: Client; otherId: string }> {
    const organization = await app.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
    const add = (email: string, givenName: string) =>
      app.gatehouse.addUser(system, {
        organizationId: organization.id,
        email,
        givenName,
        roles: ["platform.administrator"],
      });
    await add("tess@team.test", "Tess");
    const other = (await add("omar@team.test", "Omar")).users[0];
    const mail = app.outbox.lastMailTo("tess@team.test", "activation");
    const url = mail?.message.kind === "activation" ? mail.message.activationUrl : "";
    const token = new URL(url).searchParams.get("token") ?? "";
    // Not "tess…": a password holding a part of one's name is refused.
    const password = "violet harbor lamp quietly";
    const member = createClient(app.url);
    expect((await member.post("/activate", { token, newPassword: password })).status).toBe(303);
    const login = await member.post("/login", { email: "tess@team.test", password });
    expect(login.headers.get("location")).toBe("/mfa/enroll");
    const secret = secretOnPage(await (await member.post("/mfa/enroll/start", {})).text());
    const enrolled = await member.post("/mfa/enroll", { code: totpCode(secret, app.clock.now()) });
    expect(enrolled.headers.get("location")).toBe("/account");
    return { member, otherId: other?.id as string };
  }

  test("the Edit User modal shows First name and Last name and saves both; blank ones clear", async () => {
    const { member, otherId } = await teamMember();
    const form = await member.page(`/users/${otherId}/edit`);
    expect(form).toContain('<label for="givenName">First name</label>');
    expect(form).toContain('<input id="givenName" name="givenName" type="text" value="Omar">');
    expect(form).toContain('<label for="familyName">Last name</label>');
    expect(form).not.toContain('id="name"');
    const saved = await member.post(`/users/${otherId}`, {
      email: "omar@team.test",
      givenName: "Omar",
      familyName: "Haddad",
      roles: ["platform.administrator"],
    });
    expect(saved.status).toBe(303);
    expect(await app.gatehouse.getUser(system, { userId: otherId })).toMatchObject({
      givenName: "Omar",
      familyName: "Haddad",
    });
    expect(await member.page("/users")).toContain("<td>Omar Haddad</td>");
    await member.post(`/users/${otherId}`, {
      email: "omar@team.test",
      givenName: "",
      familyName: "",
      roles: ["platform.administrator"],
    });
    expect(await app.gatehouse.getUser(system, { userId: otherId })).toMatchObject({
      givenName: null,
      familyName: null,
    });
  });

  test("the account page edits one's own First name and Last name", async () => {
    const { member } = await teamMember();
    expect((await member.post("/account", { givenName: "Tess", familyName: "Ng", phone: "" })).status).toBe(
      303,
    );
    const page = await member.page("/account");
    expect(page).toContain("<dt>Name</dt><dd>Tess Ng</dd>");
    expect(page).toContain('<input id="familyName" name="familyName" type="text" value="Ng">');
  });
});
