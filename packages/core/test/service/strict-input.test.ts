import { describe, expect, test } from "vitest";
import { z } from "zod";
import { type GatehouseError, parseInput, schemas } from "../../src/index.js";
import { member, setup, staff, system } from "./harness.js";

// Every input schema is strict: a field the call does not know is refused and named, never dropped in
// silence (a misspelt `familyname` must not look like a successful edit that changed nothing).

async function issuesOf(call: Promise<unknown>): Promise<{ code: string; paths: unknown[] }> {
  const error = (await call.then(
    () => null,
    (caught: unknown) => caught,
  )) as GatehouseError | null;
  if (!error) throw new Error("the call succeeded");
  return { code: error.code, paths: (error.details.issues ?? []).map((issue) => issue.path) };
}

describe("strict input", () => {
  test("every object schema in `schemas` refuses an unknown key", () => {
    const objects = Object.entries(schemas as unknown as Record<string, z.ZodType>).filter(
      ([, schema]) => schema instanceof z.ZodObject,
    );
    expect(objects.length).toBeGreaterThanOrEqual(18);
    for (const [key, schema] of objects) {
      const result = schema.safeParse({ unknownField: 1 });
      expect(result.success, key).toBe(false);
      const codes = result.error?.issues.map((issue) => issue.code);
      expect(codes, key).toContain("unrecognized_keys");
    }
  });

  test("parseInput names each unknown field in its own issue, nested ones with their path", () => {
    const error = (() => {
      try {
        parseInput(schemas.createRole, {
          organizationId: "org_1",
          name: "Exporters",
          permissions: [{ page: "callback.exports", action: "view", scope: "all" }],
          colour: "red",
          owner: "me",
        });
      } catch (caught) {
        return caught as GatehouseError;
      }
      throw new Error("parsed");
    })();
    expect(error.code).toBe("VALIDATION");
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["colour"], reason: "unrecognized_keys" }),
        expect.objectContaining({ path: ["owner"], reason: "unrecognized_keys" }),
        expect.objectContaining({ path: ["permissions", 0, "scope"], reason: "unrecognized_keys" }),
      ]),
    );
    expect(error.message).toContain("colour");
  });

  test("addUser with an unknown field answers VALIDATION naming it, and adds nobody", async () => {
    const h = setup();
    const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
    const input = { organizationId: organization.id, email: "ann@team.test", givenName: "Ann" };
    expect(await issuesOf(h.gatehouse.addUser(system, { ...input, name: "Ann Lee" } as never))).toEqual({
      code: "VALIDATION",
      paths: [["name"]],
    });
    expect(await h.store.users.findByEmail("ann@team.test")).toBeNull();
    expect(h.mailer.lastTo("ann@team.test")).toBeNull();
  });

  test("inviteUsers and updateUser with an unknown field answer VALIDATION naming it", async () => {
    const h = setup();
    const { organization, actor, admin } = await h.enterpriseOrg();
    const invite = { organizationId: organization.id, emails: "bob@acme.test", roles: ["callback.viewer"] };
    expect(await issuesOf(h.gatehouse.inviteUsers(actor, { ...invite, message: "hi" } as never))).toEqual({
      code: "VALIDATION",
      paths: [["message"]],
    });
    expect(await h.store.users.findByEmail("bob@acme.test")).toBeNull();
    const update = h.gatehouse.updateUser(actor, { userId: admin.id, familyname: "Lee" } as never);
    expect(await issuesOf(update)).toEqual({ code: "VALIDATION", paths: [["familyname"]] });
  });

  test("every other call with an object input answers VALIDATION naming the unknown field", async () => {
    const h = setup();
    const { organization, actor, admin, adminEmail, password } = await h.enterpriseOrg();
    const session = await h.gatehouse.login({ email: adminEmail, password });
    const token = session.token;
    const orgId = organization.id;
    const extra = { extra: true } as const;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["createOrganization", () => h.gatehouse.createOrganization(staff, { name: "X", ...extra } as never)],
      [
        "updateOrganizationSettings",
        () =>
          h.gatehouse.updateOrganizationSettings(staff, {
            organizationId: orgId,
            mfa: "optional",
            ...extra,
          } as never),
      ],
      ["login", () => h.gatehouse.login({ email: adminEmail, password, ...extra } as never)],
      [
        "verifySecondFactor",
        () =>
          h.gatehouse.verifySecondFactor({
            sessionToken: token,
            method: "totp",
            code: "123456",
            ...extra,
          } as never),
      ],
      [
        "beginTotpEnrollment",
        () => h.gatehouse.beginTotpEnrollment({ sessionToken: token, password, ...extra } as never),
      ],
      [
        "completeTotpEnrollment",
        () => h.gatehouse.completeTotpEnrollment({ sessionToken: token, code: "123456", ...extra } as never),
      ],
      [
        "startMfaPhoneChange",
        () =>
          h.gatehouse.startMfaPhoneChange({
            sessionToken: token,
            password,
            phone: "+14155550100",
            ...extra,
          } as never),
      ],
      [
        "confirmMfaPhone",
        () => h.gatehouse.confirmMfaPhone({ sessionToken: token, code: "123456", ...extra } as never),
      ],
      [
        "revealRecoveryCode",
        () => h.gatehouse.revealRecoveryCode({ sessionToken: token, password, ...extra } as never),
      ],
      [
        "changePassword",
        () =>
          h.gatehouse.changePassword({ sessionToken: token, newPassword: "x y z w v", ...extra } as never),
      ],
      [
        "activateAccount",
        () => h.gatehouse.activateAccount({ token: "t", password: "p", ...extra } as never),
      ],
      [
        "requestPasswordReset",
        () => h.gatehouse.requestPasswordReset({ email: adminEmail, ...extra } as never),
      ],
      ["resetPassword", () => h.gatehouse.resetPassword({ token: "t", password: "p", ...extra } as never)],
      ["listUsers", () => h.gatehouse.listUsers(actor, { organizationId: orgId, ...extra } as never)],
      [
        "createRole",
        () =>
          h.gatehouse.createRole(actor, {
            organizationId: orgId,
            name: "R",
            permissions: [],
            ...extra,
          } as never),
      ],
      [
        "updateRole",
        () =>
          h.gatehouse.updateRole(actor, {
            organizationId: orgId,
            roleId: "rol_x",
            name: "R",
            ...extra,
          } as never),
      ],
      ["listAuditLog", () => h.gatehouse.listAuditLog(actor, { organizationId: orgId, ...extra } as never)],
    ];
    for (const [name, call] of calls) {
      expect(await issuesOf(call()), name).toEqual({ code: "VALIDATION", paths: [["extra"]] });
    }
    // Nothing was changed by the refused calls: the admin still signs in with the same password.
    expect(await h.gatehouse.getUser(member(admin.id), { userId: admin.id })).toMatchObject({
      mfa: { totp: false },
    });
    expect((await h.gatehouse.login({ email: adminEmail, password })).stage).toBe("authenticated");
  });
});
