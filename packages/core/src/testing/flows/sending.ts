import { describe, expect, it } from "vitest";
import type { MailMessage, SmsMessage } from "../../messages/messages.js";
import { loginAttemptKey } from "../../service/attempts.js";
import type { BackgroundTask } from "../../service/background.js";
import type { Store } from "../../store/store.js";
import { createGatedMailer } from "../gated-mailer.js";
import { codeOf, setupFlows, system } from "./setup.js";

/**
 * What a call answers before its messages go out, and what bad text never reaches the store: "forgot
 * password" answers alike, in the same time, for every address; audit entries written after the answer are
 * never lost; control characters and malformed addresses are refused as VALIDATION, not by the database.
 */
export function describeSendingFlows(store: () => Store): void {
  describe("sending flows", () => {
    it("forgot password answers before any mail goes out, registered or not; the link is sent at flush", async () => {
      const mailer = createGatedMailer();
      const h = setupFlows(store(), { mailer });
      const { admin } = await h.enterpriseOrg();
      mailer.hold();
      const registered = h.gatehouse.requestPasswordReset({ email: admin.email }).then(() => "answered");
      expect(await Promise.race([registered, mailer.nextSend().then(() => "mail first")])).toBe("answered");
      await h.gatehouse.requestPasswordReset({ email: `nobody@${h.domain}` });
      expect((await mailer.nextSend()).to).toBe(admin.email);
      expect(mailer.lastTo(admin.email, "password-reset")).toBeNull();
      mailer.release();
      await h.gatehouse.flush();
      expect(mailer.started.map((mail) => mail.to)).toEqual([admin.email]);
      expect(mailer.lastTo(admin.email, "password-reset")).not.toBeNull();
      expect(mailer.lastTo(`nobody@${h.domain}`)).toBeNull();
      const reset = h.gatehouse.resetPassword({
        token: h.resetToken(admin.email),
        password: "a new long phrase",
      });
      expect(await codeOf(reset)).toBe("OK");
    });

    it("a mailer failing behind forgot password reaches onDeliveryError; the caller sees the same answer", async () => {
      const failures: Array<MailMessage | SmsMessage> = [];
      const h = setupFlows(store(), { onDeliveryError: (_error, message) => failures.push(message) });
      const { admin } = await h.enterpriseOrg();
      h.mailer.failNext();
      await expect(h.gatehouse.requestPasswordReset({ email: admin.email })).resolves.toBeUndefined();
      await h.gatehouse.flush();
      expect(failures.map((message) => [message.kind, message.to])).toEqual([
        ["password-reset", admin.email],
      ]);
    });

    it("a wrong password's audit entry is written after the answer, stamped with the time of the attempt", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const attemptAt = h.clock.now();
      expect(await codeOf(h.gatehouse.login({ email: admin.email, password: "not it at all" }))).toBe(
        "INVALID_CREDENTIALS",
      );
      h.clock.advance(60_000);
      await h.gatehouse.flush();
      const log = await h.gatehouse.listAuditLog(admin.actor, {
        organizationId: organization.id,
        userId: admin.user.id,
      });
      const failed = log.items.find((entry) => entry.action === "login.failed");
      expect(failed?.at).toEqual(attemptAt);
    });

    it("an audit write failing after the answer reaches onBackgroundError with the whole entry", async () => {
      const base = store();
      let failAudit = false;
      const audit = {
        append: (entries: Parameters<Store["audit"]["append"]>[0]) =>
          failAudit ? Promise.reject(new Error("audit table unavailable")) : base.audit.append(entries),
        appendIfAbsent: (entries: Parameters<Store["audit"]["append"]>[0]) =>
          failAudit
            ? Promise.reject(new Error("audit table unavailable"))
            : base.audit.appendIfAbsent(entries),
        list: (query: Parameters<Store["audit"]["list"]>[0]) => base.audit.list(query),
      };
      const reported: BackgroundTask[] = [];
      const h = setupFlows({ ...base, audit }, { onBackgroundError: (_error, task) => reported.push(task) });
      const { admin } = await h.enterpriseOrg();
      // The setup's own entries are stored first (an outbox's drain gathers for a moment before it appends).
      await h.gatehouse.flush();
      failAudit = true;
      expect(await codeOf(h.gatehouse.login({ email: admin.email, password: "not it at all" }))).toBe(
        "INVALID_CREDENTIALS",
      );
      await h.gatehouse.flush();
      expect(reported.map((task) => task.audit?.map((entry) => [entry.action, entry.subjectEmail]))).toEqual([
        [["login.failed", admin.email]],
      ]);
    });

    it("NUL and other control characters answer VALIDATION, never a storage error", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const g = h.gatehouse;
      const calls: Array<[string, () => Promise<unknown>]> = [
        ["login e-mail", () => g.login({ email: `ad\u0000min@${h.domain}`, password: "whatever it is" })],
        ["forgot-password e-mail", () => g.requestPasswordReset({ email: `ad\u0000min@${h.domain}` })],
        ["own name", () => g.updateUser(admin.actor, { userId: admin.user.id, givenName: "Ann\u0000" })],
        ["search", () => g.listUsers(admin.actor, { organizationId: organization.id, search: "a\u0000" })],
        [
          "role name",
          () =>
            g.createRole(admin.actor, { organizationId: organization.id, name: "R\u0007", permissions: [] }),
        ],
        ["user id", () => g.getUser(admin.actor, { userId: "usr_\u0000" })],
        ["organization name", () => g.createOrganization(system, { name: "Acme\u001b[2J" })],
      ];
      for (const [field, call] of calls) expect([field, await codeOf(call())]).toEqual([field, "VALIDATION"]);
      await g.flush();
    });

    it("a malformed address at login or forgot password answers VALIDATION naming the field, and leaves no attempt record", async () => {
      const base = store();
      const h = setupFlows(base);
      await h.enterpriseOrg();
      const junk = `${"x".repeat(150)}@@${"y".repeat(150)}`;
      for (const call of [
        h.gatehouse.login({ email: junk, password: "whatever it is" }),
        h.gatehouse.requestPasswordReset({ email: junk }),
      ]) {
        const error = await call.then(
          () => null,
          (e: unknown) => e as { code: string; details: { issues?: Array<{ path: unknown[] }> } },
        );
        expect(error?.code).toBe("VALIDATION");
        expect(error?.details.issues?.map((issue) => issue.path)).toEqual([["email"]]);
      }
      await h.gatehouse.flush();
      expect((await base.attempts.get(loginAttemptKey(junk))).version).toBe(0);
    });
  });
}
