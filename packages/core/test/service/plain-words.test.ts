import { describe, expect, test } from "vitest";
import { GatehouseError } from "../../src/index.js";
import { checkPassword, presets } from "../../src/policy/index.js";
import { setup, system } from "./harness.js";

// What a person reads: validation messages in plain words, a lock that says which rule took it, and every
// broken password rule in one answer.

async function issuesOf(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return (error as GatehouseError).details.issues ?? [];
}

describe("validation messages in plain words", () => {
  test("an empty name, no role, and a wrong type read as sentences, not zod's words", async () => {
    const { gatehouse, enterpriseOrg } = setup();
    const { organization } = await enterpriseOrg();
    const noRole = await issuesOf(
      gatehouse.inviteUsers(system, { organizationId: organization.id, emails: "ann@acme.test", roles: [] }),
    );
    expect(noRole).toEqual([{ path: ["roles"], reason: "too_small", message: "Choose at least one." }]);
    const noName = await issuesOf(gatehouse.createOrganization(system, { name: "  " }));
    expect(noName.map((i) => i.message)).toEqual(["Fill in this field."]);
    const wrongType = await issuesOf(
      gatehouse.createOrganization(system, { name: 42 as unknown as string, preset: "big" as "team" }),
    );
    expect(wrongType.map((i) => i.message)).toEqual([
      "This must be text.",
      "Choose one of: enterprise, team.",
    ]);
    for (const issue of [...noRole, ...noName, ...wrongType]) {
      expect(issue.message).not.toMatch(/expected|>=|Too small|Invalid/);
    }
  });

  test("a message a schema sets itself is kept", async () => {
    const { gatehouse } = setup();
    const issues = await issuesOf(gatehouse.login({ email: "not-an-address", password: "x" }));
    expect(issues.map((i) => i.message)).toEqual(["Enter a valid e-mail address."]);
  });
});

describe("the lock names its rule", () => {
  test("a retry within 3 seconds of a failure locks, and the error and the audit entry say so", async () => {
    const { gatehouse, clock, enterpriseOrg } = setup();
    const { adminEmail, password, actor, organization } = await enterpriseOrg();
    await expect(gatehouse.login({ email: adminEmail, password: "typo" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    clock.advance(1_000);
    const error = await gatehouse.login({ email: adminEmail, password }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ACCOUNT_LOCKED", details: { rule: "quick-retry" } });
    expect((error as GatehouseError).message).toContain("too soon after a failed one");
    await gatehouse.flush();
    const log = await gatehouse.listAuditLog(actor, { organizationId: organization.id });
    expect(log.items.find((e) => e.action === "account.locked")?.details).toMatchObject({
      rule: "quick-retry",
    });
  });

  test("the third failure locks with the max-failures rule; a later refusal of that lock names none", async () => {
    const { gatehouse, clock, enterpriseOrg } = setup();
    const { adminEmail, password } = await enterpriseOrg();
    let last: unknown = null;
    for (let i = 0; i < 3; i++) {
      clock.advance(5_000);
      last = await gatehouse.login({ email: adminEmail, password: `wrong ${i}` }).catch((e: unknown) => e);
    }
    expect(last).toMatchObject({ code: "ACCOUNT_LOCKED", details: { rule: "max-failures" } });
    clock.advance(5_000);
    const later = await gatehouse.login({ email: adminEmail, password }).catch((e: unknown) => e);
    expect(later).toMatchObject({ code: "ACCOUNT_LOCKED" });
    expect((later as GatehouseError).details.rule).toBeUndefined();
  });
});

describe("every broken password rule at once", () => {
  test("a short, common password built from the address breaks three rules in one answer", () => {
    const verdict = checkPassword("admin", presets.enterprise.password, { email: "admin@acme.test" });
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.issues.map((i) => i.reason)).toEqual([
      "too-short",
      "common",
      "contains-email",
    ]);
  });

  test("the service answers a forced change with every rule the new password breaks", async () => {
    const { gatehouse, temporaryPassword, enterpriseOrg } = setup();
    const { organization } = await enterpriseOrg();
    await gatehouse.inviteUsers(system, {
      organizationId: organization.id,
      emails: "password@acme.test",
      roles: ["callback.viewer"],
    });
    const first = await gatehouse.login({
      email: "password@acme.test",
      password: temporaryPassword("password@acme.test"),
    });
    const issues = await issuesOf(
      gatehouse.changePassword({ sessionToken: first.token, newPassword: "password" }),
    );
    expect(issues.map((i) => i.reason)).toEqual(["too-short", "common", "contains-email"]);
  });
});
