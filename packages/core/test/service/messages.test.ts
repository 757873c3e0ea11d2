import { describe, expect, test } from "vitest";
import { createConsoleMailer, createMemoryMailer, defaultMailTemplates } from "../../src/index.js";
import { setup, staff, system } from "./harness.js";

describe("mail templates and mailers", () => {
  test("a host replaces a template; the others stay the defaults", async () => {
    const mailer = createMemoryMailer();
    const h = setup({
      mailer,
      templates: {
        invitation: (m) => ({
          subject: `Welcome to ${m.organizationName}`,
          text: `Your code: ${m.temporaryPassword}`,
        }),
      },
    });
    const org = await h.gatehouse.createOrganization(staff, { name: "Acme" });
    await h.gatehouse.inviteUsers(system, {
      organizationId: org.id,
      emails: "ann@example.test",
      roles: ["callback.viewer"],
    });
    const mail = mailer.lastTo("ann@example.test", "invitation");
    expect(mail?.subject).toBe("Welcome to Acme");
    expect(mail?.html).toContain("<p>Your code: ");
    await h.gatehouse.requestPasswordReset({ email: "ann@example.test" });
    await h.gatehouse.flush();
    expect(mailer.lastTo("ann@example.test", "password-reset")?.subject).toBe(
      defaultMailTemplates["password-reset"]({
        kind: "password-reset",
        to: "",
        resetUrl: "",
        expiresAt: new Date(),
      }).subject,
    );
  });

  test("rendered HTML escapes what it shows and makes links clickable", async () => {
    const h = setup();
    const org = await h.gatehouse.createOrganization(staff, { name: "<b>Acme</b>", preset: "team" });
    await h.gatehouse.addUser(system, {
      organizationId: org.id,
      email: "ann@example.test",
      givenName: "Ann",
      roles: ["platform.administrator"],
    });
    const mail = h.mailer.lastTo("ann@example.test", "activation");
    expect(mail?.html).toContain("&lt;b&gt;Acme&lt;/b&gt;");
    expect(mail?.html).toMatch(/<a href="https:\/\/app\.example\.test\/activate\?token=[^"]+">/);
  });

  test("the console mailer prints each message", async () => {
    const lines: string[] = [];
    const mailer = createConsoleMailer((line) => lines.push(line));
    const h = setup({ mailer, sms: mailer });
    const org = await h.gatehouse.createOrganization(staff, { name: "Acme" });
    await h.gatehouse.inviteUsers(system, {
      organizationId: org.id,
      emails: "ann@example.test",
      roles: ["callback.viewer"],
    });
    expect(lines.join("\n")).toContain("[mail] to ann@example.test: You have been invited to Acme");
  });

  test("a failed delivery is reported to onDeliveryError", async () => {
    const reported: unknown[] = [];
    const mailer = createMemoryMailer();
    mailer.failNext(1);
    const h = setup({ mailer, onDeliveryError: (error) => reported.push(error) });
    const org = await h.gatehouse.createOrganization(staff, { name: "Acme" });
    const result = await h.gatehouse.inviteUsers(system, {
      organizationId: org.id,
      emails: "ann@example.test",
      roles: ["callback.viewer"],
    });
    expect(result.deliveries[0]?.delivered).toBe(false);
    expect(reported).toHaveLength(1);
  });
});
