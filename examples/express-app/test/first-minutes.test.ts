import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { isLoopback } from "../src/loopback.js";
import { createOutbox } from "../src/outbox.js";
import { type Client, createClient } from "./support/client.js";
import { firstSignIn, secretOnPage, userIdOf } from "./support/flows.js";
import { type RunningApp, STAFF_KEY, startApp, totpCode } from "./support/harness.js";

// Issue 16: what got in a newcomer's way in the app, each point shown through HTTP as a browser meets it.

const ADMIN_PASSWORD = "correct horse battery staple";
const VIEWER_PASSWORD = "a viewer's long passphrase";

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  app = await startApp();
  admin = createClient(app.url);
  await firstSignIn(app, admin, app.seed.adminEmail, ADMIN_PASSWORD);
});
afterEach(() => app.close());

/** A Viewer of both components, signed in. */
async function viewer(email = "vic@acme.test"): Promise<Client> {
  await admin.post("/users/invite", { emails: email, roles: ["platform.viewer", "callback.viewer"] });
  const client = createClient(app.url);
  await firstSignIn(app, client, email, VIEWER_PASSWORD);
  return client;
}

describe("development tools are not a hole", () => {
  test("dev mode is off unless asked for: no outbox, no staff console", async () => {
    const plain = await startApp({ dev: false });
    try {
      expect((await fetch(`${plain.url}/dev/outbox`)).status).toBe(404);
      expect((await fetch(`${plain.url}/dev/staff?key=${STAFF_KEY}`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  test("the outbox needs a session, and a Viewer sees only the messages sent to them", async () => {
    const visitor = await createClient(app.url).get("/dev/outbox");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login");
    const vic = await viewer();
    await admin.post(
      `/users/${userIdOf(await admin.page("/users"), app.seed.adminEmail)}/reset-password`,
      {},
    );
    const own = await vic.page("/dev/outbox");
    expect(own).toContain('data-to="vic@acme.test"');
    expect(own).not.toContain(`data-to="${app.seed.adminEmail}"`);
    expect(await admin.page("/dev/outbox")).toContain(`data-to="${app.seed.adminEmail}"`);
  });

  test("a Viewer cannot use the staff console, without the key or with a wrong one", async () => {
    const vic = await viewer();
    const posted = await vic.post("/dev/staff", { mfa: "off", provisioning: "invite", authMode: "sso" });
    expect(posted.status).toBe(403);
    expect(await posted.text()).toContain("for platform staff");
    expect((await vic.get("/dev/staff?key=guess")).status).toBe(403);
    expect(await vic.page("/settings")).toContain("E-mail address and password");
  });

  test("the development outbox keeps its messages in a file across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-outbox-"));
    try {
      const file = join(dir, "outbox.json");
      const first = createOutbox({ file, log: () => {} });
      await first.sms.send({ to: "+14155550123", text: "Your code is 123456" } as never);
      const again = createOutbox({ file, log: () => {} });
      expect(again.entries).toHaveLength(1);
      expect(again.entries[0]?.at).toBeInstanceOf(Date);
      await again.sms.send({ to: "+14155550123", text: "Another" } as never);
      expect(again.entries.map((e) => e.id)).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("only loopback addresses count as this machine", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"])
      expect(isLoopback(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.4", "example.test"]) expect(isLoopback(host)).toBe(false);
  });

  test("a GET of the enrolment page makes no secret: a link from elsewhere cannot break an enrolment", async () => {
    await admin.post("/users/invite", { emails: "eve@acme.test", roles: ["callback.viewer"] });
    const eve = createClient(app.url);
    const mail = app.outbox.lastMailTo("eve@acme.test", "invitation");
    const temporary = mail?.message.kind === "invitation" ? mail.message.temporaryPassword : "";
    await eve.post("/login", { email: "eve@acme.test", password: temporary });
    await eve.post("/password/change", { newPassword: VIEWER_PASSWORD, confirmPassword: VIEWER_PASSWORD });
    const secret = secretOnPage(await (await eve.post("/mfa/enroll/start", {})).text());
    const visited = await eve.page("/mfa/enroll");
    expect(visited).not.toContain('data-testid="totp-secret"');
    expect(visited).toContain('action="/mfa/enroll/start"');
    const enrolled = await eve.post("/mfa/enroll", { code: totpCode(secret, app.clock.now()) });
    expect(enrolled.headers.get("location")).toBe("/account");
  });
});

describe("words a person understands", () => {
  test("an invitation with a bad address and no role shows both errors, in plain words, tied to the fields", async () => {
    const response = await admin.post("/users/invite", { emails: "not-an-address" });
    const body = await response.text();
    expect(body).toMatch(/id="emails-error"[^>]*>[\s\S]*not-an-address/);
    expect(body).toMatch(/id="roles-error"[^>]*>[\s\S]*Choose at least one\./);
    expect(body).toContain('aria-describedby="emails-error"');
    expect(body).not.toMatch(/Too small|expected (string|array)/);
  });

  test("the edit form has no invite hint, and an invitee's edit saves with no name", async () => {
    await admin.post("/users/invite", { emails: "ian@acme.test", roles: ["callback.viewer"] });
    const id = userIdOf(await admin.page("/users"), "ian@acme.test");
    const form = await admin.page(`/users/${id}/edit`);
    expect(form).not.toContain("every role chosen applies to each address");
    expect(await admin.page("/users/invite")).toContain("every role chosen applies to each address");
    const saved = await admin.post(`/users/${id}`, {
      email: "ian@acme.test",
      name: "",
      phone: "",
      roles: ["callback.viewer"],
    });
    expect(saved.status).toBe(303);
  });

  test("the password rules are stated up front, and every broken one is reported at once", async () => {
    const page = await admin.page("/password/change");
    expect(page).toContain(
      "at least 12 characters; not a common password; not containing your e-mail address",
    );
    const response = await admin.post("/password/change", {
      currentPassword: ADMIN_PASSWORD,
      newPassword: "admin",
      confirmPassword: "admin2",
    });
    const body = await response.text();
    const errors = /id="newPassword-error"[^>]*>([\s\S]*?)<\/div><\/div>/.exec(body)?.[1] ?? "";
    expect(errors).toContain("Use at least 12 characters.");
    expect(errors).toContain("This password is too common.");
    expect(errors).toContain("Do not use your e-mail address in your password.");
    expect(body).toContain("The two passwords differ.");
  });

  test("sign-in names an empty or malformed e-mail address next to the field", async () => {
    const client = createClient(app.url);
    const empty = await (await client.post("/login", { email: "", password: "x" })).text();
    expect(empty).toMatch(/id="email-error"[^>]*>[\s\S]*Enter your e-mail address\./);
    const malformed = await (await client.post("/login", { email: "ann@", password: "x" })).text();
    expect(malformed).toMatch(/id="email-error"[^>]*>[\s\S]*Enter a valid e-mail address\./);
  });

  test("a refused self-promotion is one sentence naming pages and actions, not ids", async () => {
    const vic = await viewer();
    const vicId = userIdOf(await admin.page("/users"), "vic@acme.test");
    // A Viewer cannot open the edit form at all; a Manager can, and tries to make themself an administrator.
    await admin.post(`/users/${vicId}`, {
      email: "vic@acme.test",
      name: "",
      phone: "",
      roles: ["platform.manager", "callback.viewer"],
    });
    const response = await vic.post(`/users/${vicId}`, {
      email: "vic@acme.test",
      name: "",
      phone: "",
      roles: ["platform.administrator", "callback.viewer"],
    });
    const body = await response.text();
    expect(body).toMatch(
      /id="roles-error"[^>]*>[\s\S]*You can only give what your own roles allow, and this would also let someone invite users, delete, reset passwords/,
    );
    expect(body).not.toContain("You do not hold");
    const forced = await vic.post(
      `/users/${userIdOf(await admin.page("/users"), app.seed.adminEmail)}/delete`,
      {},
    );
    expect(forced.status).toBe(403);
    expect(await forced.text()).toContain("This needs a role that lets you delete on User Management");
  });

  test("a typo then the right password within 3 seconds: the page names that rule and until when", async () => {
    const client = createClient(app.url);
    app.clock.advance(60_000);
    await client.post("/login", { email: app.seed.adminEmail, password: "typo" });
    app.clock.advance(1_000);
    const response = await client.post("/login", { email: app.seed.adminEmail, password: ADMIN_PASSWORD });
    expect(response.status).toBe(423);
    expect(await response.text()).toMatch(
      /locked until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, because another attempt came within 3 seconds of a failed one/,
    );
  });

  test("the lock on the recovery-code form is shown next to its password field", async () => {
    for (let i = 0; i < 3; i++) {
      app.clock.advance(5_000);
      await admin.post("/account/recovery-code", { password: `wrong ${i}` });
    }
    app.clock.advance(5_000);
    const body = await (await admin.post("/account/recovery-code", { password: ADMIN_PASSWORD })).text();
    expect(body).toMatch(/id="recovery-password-error"[^>]*>[\s\S]*This account is locked until/);
    const profile = body.slice(body.indexOf("<h2>Profile</h2>"), body.indexOf("<h2>Multi-factor"));
    expect(profile).not.toContain("locked");
  });

  test("the settings page states the lockout, session and MFA policy in words", async () => {
    const page = await admin.page("/settings");
    expect(page).toContain(
      "3 failed attempts in a row, or an attempt within 3 seconds of a failed one lock an account for 30 minutes",
    );
    expect(page).toContain("signed out after 15 minutes without activity");
    expect(page).toContain("6-digit code from an authenticator app");
  });

  test("the audit log's details are words, not JSON", async () => {
    const page = await admin.page("/audit");
    const details = [...page.matchAll(/<td class="details">([\s\S]*?)<\/td>/g)].map((m) => m[1]).join("");
    expect(details).not.toMatch(/[{}]|&quot;/);
    expect(details).toContain("next step:");
  });
});

describe("small things", () => {
  test("every page has a favicon that exists", async () => {
    expect(await admin.page("/account")).toContain('<link rel="icon" href="/favicon.svg"');
    for (const path of ["/favicon.svg", "/favicon.ico"]) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("image/svg+xml");
    }
  });

  test("signing out says so", async () => {
    const out = await admin.post("/logout", {});
    expect(out.headers.get("location")).toBe("/login");
    expect(await admin.page("/login")).toContain("You are signed out.");
  });

  test("a dialog makes the page behind it inert and takes the focus; closing it gives the focus back", async () => {
    const page = await admin.page("/users/invite");
    expect(page).toMatch(/<div class="page" inert>/);
    expect(page).toMatch(/role="dialog" aria-modal="true" aria-labelledby="dialog-title"/);
    expect(page).toMatch(/<textarea id="emails" name="emails" autofocus>/);
    expect(page).toContain('href="/users?focus=invite">Cancel</a>');
    expect(await admin.page("/users?focus=invite")).toMatch(/href="\/users\/invite" autofocus>Invite users/);
  });
});
