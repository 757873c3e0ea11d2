import { describe, expect, expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type {
  ActivateAccountInput,
  Actor,
  AddUserInput,
  BeginSsoInput,
  BeginTotpEnrollmentInput,
  ChangePasswordInput,
  CompleteSsoInput,
  CompleteTotpEnrollmentInput,
  ConfirmMfaPhoneInput,
  CreateOrganizationInput,
  CreateRoleInput,
  DeleteRoleInput,
  DeleteSsoConnectionInput,
  Gatehouse,
  GetOrganizationInput,
  GetSsoConnectionInput,
  GetUserInput,
  InviteUsersInput,
  IssuePasswordResetInput,
  ListAuditLogInput,
  ListRolesInput,
  ListUsersInput,
  LoginInput,
  LogoutInput,
  RemoveUserInput,
  RequestPasswordResetInput,
  ResendInvitationInput,
  ResetPasswordInput,
  ResetSecondFactorLockInput,
  RevealRecoveryCodeInput,
  RevokeSessionsInput,
  Schemas,
  SendSignInCodeInput,
  SetSsoEmergencyAdministratorsInput,
  StartMfaPhoneChangeInput,
  UnlockUserInput,
  UpdateOrganizationSettingsInput,
  UpdateRoleInput,
  UpdateUserInput,
  UpsertSsoConnectionInput,
  ValidateSessionInput,
  ValidSession,
  VerifySecondFactorInput,
} from "../../src/index.js";
import * as core from "../../src/index.js";
import { setup } from "./harness.js";

// The shape of the public API, held by the compiler: one rule for every call, one description of every input,
// nothing secret handed to a binding. `pnpm typecheck` fails on a method or input that breaks it.

/** The flows: every method but `flush`, which is about the service's own work and takes nothing. */
type Flows = Omit<Gatehouse, "config" | "flush">;
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `(actor, input)` with an `Actor` first and an object last, or `(input)` with one object that is no actor. */
type FollowsTheRule<F> = F extends (...args: infer P) => unknown
  ? P extends [infer A, infer I]
    ? Exact<A, Actor> extends true
      ? I extends object
        ? true
        : false
      : false
    : P extends [infer I]
      ? I extends object
        ? I extends Actor
          ? false
          : true
        : false
      : false
  : false;

/** The input object of a flow: its last parameter. */
type InputOf<F> = F extends (...args: infer P) => unknown
  ? P extends [...unknown[], infer I]
    ? I
    : never
  : never;

type SecretLooking =
  `${string}${"hash" | "Hash" | "sealed" | "Sealed" | "secret" | "Secret" | "token" | "Token"}${string}`;

describe("the public API", () => {
  test("every flow is (actor, input) or (input), with one input object", () => {
    type Verdicts = { [K in keyof Flows]: FollowsTheRule<Flows[K]> };
    expectTypeOf<Verdicts[keyof Flows]>().toEqualTypeOf<true>();
    expectTypeOf<Gatehouse["flush"]>().parameters.toEqualTypeOf<[]>();
    // The rule refuses what the old API did: a positional id, a token before the input.
    expectTypeOf<FollowsTheRule<(actor: Actor, userId: string) => Promise<void>>>().toEqualTypeOf<false>();
    expectTypeOf<
      FollowsTheRule<(token: string, input: { code: string }) => Promise<void>>
    >().toEqualTypeOf<false>();
    expectTypeOf<FollowsTheRule<(a: Actor, o: string, i: object) => Promise<void>>>().toEqualTypeOf<false>();
  });

  test("every flow has a schema of its name, and its input is exactly z.input of it", () => {
    expectTypeOf<keyof Schemas>().toEqualTypeOf<keyof Flows>();
    type Matches = { [K in keyof Flows & keyof Schemas]: Exact<InputOf<Flows[K]>, z.input<Schemas[K]>> };
    expectTypeOf<Matches[keyof Flows & keyof Schemas]>().toEqualTypeOf<true>();
  });

  test("each exported input type is z.input of its schema", () => {
    expectTypeOf<CreateOrganizationInput>().toEqualTypeOf<z.input<Schemas["createOrganization"]>>();
    expectTypeOf<GetOrganizationInput>().toEqualTypeOf<z.input<Schemas["getOrganization"]>>();
    expectTypeOf<UpdateOrganizationSettingsInput>().toEqualTypeOf<
      z.input<Schemas["updateOrganizationSettings"]>
    >();
    expectTypeOf<InviteUsersInput>().toEqualTypeOf<z.input<Schemas["inviteUsers"]>>();
    expectTypeOf<AddUserInput>().toEqualTypeOf<z.input<Schemas["addUser"]>>();
    expectTypeOf<ResendInvitationInput>().toEqualTypeOf<z.input<Schemas["resendInvitation"]>>();
    expectTypeOf<ActivateAccountInput>().toEqualTypeOf<z.input<Schemas["activateAccount"]>>();
    expectTypeOf<LoginInput>().toEqualTypeOf<z.input<Schemas["login"]>>();
    expectTypeOf<VerifySecondFactorInput>().toEqualTypeOf<z.input<Schemas["verifySecondFactor"]>>();
    expectTypeOf<SendSignInCodeInput>().toEqualTypeOf<z.input<Schemas["sendSignInCode"]>>();
    expectTypeOf<BeginTotpEnrollmentInput>().toEqualTypeOf<z.input<Schemas["beginTotpEnrollment"]>>();
    expectTypeOf<CompleteTotpEnrollmentInput>().toEqualTypeOf<z.input<Schemas["completeTotpEnrollment"]>>();
    expectTypeOf<StartMfaPhoneChangeInput>().toEqualTypeOf<z.input<Schemas["startMfaPhoneChange"]>>();
    expectTypeOf<ConfirmMfaPhoneInput>().toEqualTypeOf<z.input<Schemas["confirmMfaPhone"]>>();
    expectTypeOf<RevealRecoveryCodeInput>().toEqualTypeOf<z.input<Schemas["revealRecoveryCode"]>>();
    expectTypeOf<ChangePasswordInput>().toEqualTypeOf<z.input<Schemas["changePassword"]>>();
    expectTypeOf<ValidateSessionInput>().toEqualTypeOf<z.input<Schemas["validateSession"]>>();
    expectTypeOf<LogoutInput>().toEqualTypeOf<z.input<Schemas["logout"]>>();
    expectTypeOf<RevokeSessionsInput>().toEqualTypeOf<z.input<Schemas["revokeSessions"]>>();
    expectTypeOf<UnlockUserInput>().toEqualTypeOf<z.input<Schemas["unlockUser"]>>();
    expectTypeOf<ResetSecondFactorLockInput>().toEqualTypeOf<z.input<Schemas["resetSecondFactorLock"]>>();
    expectTypeOf<RequestPasswordResetInput>().toEqualTypeOf<z.input<Schemas["requestPasswordReset"]>>();
    expectTypeOf<IssuePasswordResetInput>().toEqualTypeOf<z.input<Schemas["issuePasswordReset"]>>();
    expectTypeOf<ResetPasswordInput>().toEqualTypeOf<z.input<Schemas["resetPassword"]>>();
    expectTypeOf<ListUsersInput>().toEqualTypeOf<z.input<Schemas["listUsers"]>>();
    expectTypeOf<GetUserInput>().toEqualTypeOf<z.input<Schemas["getUser"]>>();
    expectTypeOf<UpdateUserInput>().toEqualTypeOf<z.input<Schemas["updateUser"]>>();
    expectTypeOf<RemoveUserInput>().toEqualTypeOf<z.input<Schemas["removeUser"]>>();
    expectTypeOf<ListRolesInput>().toEqualTypeOf<z.input<Schemas["listRoles"]>>();
    expectTypeOf<CreateRoleInput>().toEqualTypeOf<z.input<Schemas["createRole"]>>();
    expectTypeOf<UpdateRoleInput>().toEqualTypeOf<z.input<Schemas["updateRole"]>>();
    expectTypeOf<DeleteRoleInput>().toEqualTypeOf<z.input<Schemas["deleteRole"]>>();
    expectTypeOf<ListAuditLogInput>().toEqualTypeOf<z.input<Schemas["listAuditLog"]>>();
    expectTypeOf<UpsertSsoConnectionInput>().toEqualTypeOf<z.input<Schemas["upsertSsoConnection"]>>();
    expectTypeOf<GetSsoConnectionInput>().toEqualTypeOf<z.input<Schemas["getSsoConnection"]>>();
    expectTypeOf<DeleteSsoConnectionInput>().toEqualTypeOf<z.input<Schemas["deleteSsoConnection"]>>();
    expectTypeOf<SetSsoEmergencyAdministratorsInput>().toEqualTypeOf<
      z.input<Schemas["setSsoEmergencyAdministrators"]>
    >();
    expectTypeOf<BeginSsoInput>().toEqualTypeOf<z.input<Schemas["beginSso"]>>();
    expectTypeOf<CompleteSsoInput>().toEqualTypeOf<z.input<Schemas["completeSso"]>>();
    // The ids a call names are fields of its input, so its schema checks them.
    expectTypeOf<UpdateUserInput>().toHaveProperty("userId");
    expectTypeOf<UpdateRoleInput>().toHaveProperty("roleId");
    expectTypeOf<UpdateOrganizationSettingsInput>().toHaveProperty("organizationId");
  });

  test("validateSession hands a binding the public user: no hash, no sealed secret, no token", async () => {
    expectTypeOf<Extract<keyof ValidSession["user"], SecretLooking>>().toBeNever();
    expectTypeOf<Extract<keyof ValidSession["session"], SecretLooking>>().toBeNever();
    expectTypeOf<ValidSession["refreshed"]>().toEqualTypeOf<boolean>();
    // @ts-expect-error the public user carries no password hash
    type _PasswordHash = ValidSession["user"]["passwordHash"];
    // @ts-expect-error nor the session its token hash
    type _TokenHash = ValidSession["session"]["tokenHash"];

    const h = setup();
    const { adminEmail, password } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: adminEmail, password });
    const valid = await h.gatehouse.validateSession({ sessionToken: token });
    if (!valid) throw new Error("the session is not valid");
    const keys = [...Object.keys(valid.user), ...Object.keys(valid.session)];
    expect(keys.filter((key) => /hash|sealed|secret|token/i.test(key))).toEqual([]);
    expect(JSON.stringify(valid)).not.toContain(token);
    expect(valid.session.stage).toBe("authenticated");
  });

  test("validateSession says when it moved the deadline, so a binding sends the cookie again", async () => {
    const h = setup();
    const { adminEmail, password } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: adminEmail, password });
    const fresh = await h.gatehouse.validateSession({ sessionToken: token });
    expect(fresh?.refreshed).toBe(false);
    h.clock.advance(h.gatehouse.config.policy.session.activityWriteIntervalMs);
    const later = await h.gatehouse.validateSession({ sessionToken: token });
    expect(later?.refreshed).toBe(true);
    expect(later?.session.expiresAt.getTime()).toBeGreaterThan(fresh?.session.expiresAt.getTime() ?? 0);
    expect((await h.gatehouse.validateSession({ sessionToken: token }))?.refreshed).toBe(false);
    expect(await h.gatehouse.validateSession({ sessionToken: "" })).toBeNull();
  });

  test("the entry point exports no internals, and the service exposes its configuration read-only", () => {
    const exported = Object.keys(core);
    for (const internal of ["updateAttemptState", "factorAttemptKey", "secondFactors", "createContext"]) {
      expect(exported, internal).not.toContain(internal);
    }
    const { gatehouse } = setup();
    expect(Object.keys(gatehouse)).not.toContain("context");
    expect(Object.keys(gatehouse.config).sort()).toEqual([
      "clock",
      "matrix",
      "permissions",
      "policy",
      "policyOf",
    ]);
    expect(Object.isFrozen(gatehouse.config)).toBe(true);
    // @ts-expect-error the store, the secret box and the hasher stay inside the service
    expect(gatehouse.config.store).toBeUndefined();
  });
});
