import { z } from "zod";
import { type Issue, ValidationError } from "../errors.js";
import { normalizeEmail } from "../policy/invitation.js";
import { secondFactorMethods } from "../policy/second-factor-kinds.js";

// The input schemas of every public service method, exported so a binding (the Express routes) validates
// with the very same rules. Bounds everywhere: nothing unbounded reaches a hash function or a store.

// C0 and C1 control characters and DEL (PostgreSQL refuses NUL in text; the others corrupt logs, mails and
// terminals), unpaired surrogates (a driver silently rewrites them), and the bidirectional overrides and
// isolates that make a name read differently in an e-mail than it is stored ("Trojan Source").
const controlCharacters = /\p{Cc}|\p{Cs}|[\u202A-\u202E\u2066-\u2069]/u;
/** The same, but tabs and line breaks are allowed: a pasted list of addresses, a description. */
const controlCharactersBesideLines = /(?![\t\n\r])\p{Cc}|\p{Cs}|[\u202A-\u202E\u2066-\u2069]/u;

/**
 * Adds the rule of every free-text field to a string schema: no control characters (see above), refused as
 * VALIDATION with the reason `control-character` before anything reaches a store.
 * @example const givenName = safeText(z.string().trim().max(100));
 */
export function safeText(
  schema: z.ZodString = z.string(),
  options: { multiline?: boolean } = {},
): z.ZodString {
  const forbidden = options.multiline ? controlCharactersBesideLines : controlCharacters;
  return schema.refine((value) => !forbidden.test(value), {
    message: "Remove the control characters.",
    params: { reason: "control-character" },
    abort: true,
  });
}

const emailFormat = z.email();

/**
 * An e-mail address as typed at sign-in or "forgot password": free text of at most 320 characters that, once
 * normalised, is at most 254 characters and a valid address (the rule invitations apply), else VALIDATION
 * `invalid-email`. Junk never reaches the store or creates an attempt record.
 */
export function emailAddress(): z.ZodString {
  return safeText(z.string().max(320)).refine(
    (value) => {
      const address = normalizeEmail(value);
      return address.length <= 254 && emailFormat.safeParse(address).success;
    },
    { message: "Enter a valid e-mail address.", params: { reason: "invalid-email" } },
  );
}

/** An id of an organization, user or role: what the service handed out, bounded like any free text. */
const id = safeText(z.string().min(1).max(100));
/**
 * A session token as a cookie carries it. Any string is a valid question: one the service did not issue is
 * simply no session (`validateSession` answers `null`, the other calls `UNAUTHENTICATED`), so an empty token
 * means "signed out", not bad input. Bounded by a browser's cookie limit, so nothing unbounded is hashed.
 */
const sessionToken = z.string().max(4096);
/** The token of an e-mailed link (activation, password reset). */
const linkToken = z.string().min(1).max(200);
const password = z.string().min(1).max(1024);
const name = safeText(z.string().trim().min(1).max(200));
/**
 * A given or a family name: trimmed, at most 200 characters (the bound of the single name it replaced, so
 * every migrated name fits); empty or null means none, so a form's blank field clears it and never fails.
 */
const personName = safeText(z.string().trim().max(200))
  .transform((value) => (value === "" ? null : value))
  .nullable()
  .optional();
/** A phone number in E.164 form, e.g. `+14155550123`. */
const phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "Use the international format, e.g. +14155550123.");
const roleIds = z.array(id).max(100);
const code = z.string().trim().min(4).max(64);
const cursor = safeText(z.string().max(500)).nullish();
const limit = z.number().int().min(1).max(200).optional();
const description = safeText(z.string().trim().max(1000), { multiline: true });
const permissions = z
  .array(
    z
      .object({ page: safeText(z.string().min(1).max(200)), action: safeText(z.string().min(1).max(100)) })
      .strict(),
  )
  .max(2000);
// Sets of values are `z.literal([...])` rather than `z.enum`: the same check and the same issue
// (`invalid_value`), typed as a union ("off" | "optional" | "required") instead of a value map whose members the
// API reference would list one by one, undocumented.
const mfaRequirement = z.literal(["off", "optional", "required"]);
const authMode = z.literal(["password", "sso"]);
const provisioning = z.literal(["invite", "external", "members-only"]);
const userOnly = z.object({ userId: id }).strict();
const sessionOnly = z.object({ sessionToken }).strict();
/** An https URL, or http on a loopback host (an identity provider or a callback in development and tests). */
const webUrl = z
  .string()
  .max(2000)
  .refine(
    (value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
      return url.protocol === "https:" || (url.protocol === "http:" && loopback);
    },
    { message: "Use an https URL (http only on localhost).", params: { reason: "invalid-url" } },
  );
/** An e-mail domain, lower-cased: labels of letters, digits and hyphens, at least one dot. */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    "Enter a domain, e.g. example.com.",
  );
const ssoState = z.string().min(1).max(300);

// One schema per method, named after it. Every id a call names is a field here, so these are the only
// validation of a call's input.
const createOrganization = z
  .object({
    name,
    preset: z.literal(["enterprise", "team"]).optional(),
    mfa: mfaRequirement.optional(),
    authMode: authMode.optional(),
    provisioning: provisioning.optional(),
  })
  .strict();
const getOrganization = z.object({ organizationId: id }).strict();
const updateOrganizationSettings = z
  .object({
    organizationId: id,
    mfa: mfaRequirement.optional(),
    authMode: authMode.optional(),
    provisioning: provisioning.optional(),
  })
  .strict();
const inviteUsers = z
  .object({
    organizationId: id,
    emails: safeText(z.string().max(100_000), { multiline: true }),
    roles: roleIds.min(1),
  })
  .strict();
const addUser = z
  .object({
    organizationId: id,
    email: safeText(z.string().max(320)),
    givenName: personName,
    familyName: personName,
    phone: phone.nullish(),
    roles: roleIds.optional(),
  })
  .strict();
const linkAndPassword = z.object({ token: linkToken, password }).strict();
const login = z.object({ email: emailAddress(), password }).strict();
const verifySecondFactor = z.object({ sessionToken, method: z.literal(secondFactorMethods), code }).strict();
const beginTotpEnrollment = z.object({ sessionToken, password: password.optional() }).strict();
const sessionAndCode = z.object({ sessionToken, code }).strict();
const startMfaPhoneChange = z.object({ sessionToken, password, phone }).strict();
const revealRecoveryCode = z.object({ sessionToken, password }).strict();
const changePassword = z
  .object({ sessionToken, currentPassword: password.optional(), newPassword: password })
  .strict();
const requestPasswordReset = z.object({ email: emailAddress() }).strict();
const listUsers = z
  .object({
    organizationId: id,
    search: safeText(z.string().trim().max(320)).optional(),
    cursor,
    limit,
  })
  .strict();
const updateUser = z
  .object({
    userId: id,
    givenName: personName,
    familyName: personName,
    phone: phone.nullable().optional(),
    email: safeText(z.string().max(320)).optional(),
    roles: roleIds.min(1).optional(),
    currentPassword: password.optional(),
  })
  .strict();
const listRoles = z.object({ organizationId: id }).strict();
const createRole = z
  .object({ organizationId: id, name, description: description.optional(), permissions })
  .strict();
const updateRole = z
  .object({
    organizationId: id,
    roleId: id,
    name: name.optional(),
    description: description.optional(),
    permissions: permissions.optional(),
  })
  .strict();
const deleteRole = z.object({ organizationId: id, roleId: id }).strict();
const listAuditLog = z.object({ organizationId: id, userId: id.optional(), cursor, limit }).strict();
const upsertSsoConnection = z
  .object({
    organizationId: id,
    issuer: webUrl,
    clientId: safeText(z.string().min(1).max(500)),
    /** Required when the organization has no connection yet; omitted, the stored one is kept. */
    clientSecret: z.string().min(1).max(2000).optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/, "A scope is printable ASCII."))
      .max(50)
      .optional(),
    domains: z.array(domain).min(1).max(100),
    jitProvisioning: z.boolean().optional(),
    defaultRoles: roleIds.optional(),
    secondFactor: z.literal(["identity-provider", "gatehouse"]).optional(),
  })
  .strict();
const ssoConnectionRef = z.object({ organizationId: id }).strict();
const setSsoEmergencyAdministrators = z.object({ organizationId: id, userIds: z.array(id).max(20) }).strict();
const beginSso = z
  .object({ organizationId: id.optional(), email: emailAddress().optional(), redirectUri: webUrl })
  .strict()
  .refine((input) => (input.organizationId === undefined) !== (input.email === undefined), {
    message: "Give either the organization or an e-mail address.",
    params: { reason: "one-of" },
  });
const completeSso = z
  .object({
    callbackUrl: z.string().max(8000).refine(URL.canParse, "Not a URL.").optional(),
    params: z
      .record(z.string().max(100), z.string().max(4000))
      .refine((params) => Object.keys(params).length <= 50, "At most 50 parameters.")
      .optional(),
    state: ssoState,
    organizationId: id.optional(),
  })
  .strict()
  .refine((input) => (input.callbackUrl === undefined) !== (input.params === undefined), {
    message: "Give either the callback URL or its parameters.",
    params: { reason: "one-of" },
  });

/**
 * The zod schemas of the service's inputs: one per method of {@link Gatehouse}, named after it, each a strict
 * `z.object`. The service parses every call with its schema; a binding validates a request with the very
 * same rules (`schemas.createRole.omit({ organizationId: true })` for a body whose organization comes from the
 * session). Each `…Input` type is `z.input` of its schema.
 */
export interface Schemas {
  /** The input of {@link Gatehouse.createOrganization}. */
  readonly createOrganization: typeof createOrganization;
  /** The input of {@link Gatehouse.getOrganization}. */
  readonly getOrganization: typeof getOrganization;
  /** The input of {@link Gatehouse.updateOrganizationSettings}. */
  readonly updateOrganizationSettings: typeof updateOrganizationSettings;
  /** The input of {@link Gatehouse.inviteUsers}. */
  readonly inviteUsers: typeof inviteUsers;
  /** The input of {@link Gatehouse.addUser}. */
  readonly addUser: typeof addUser;
  /** The input of {@link Gatehouse.resendInvitation}. */
  readonly resendInvitation: typeof userOnly;
  /** The input of {@link Gatehouse.activateAccount}. */
  readonly activateAccount: typeof linkAndPassword;
  /** The input of {@link Gatehouse.login}. */
  readonly login: typeof login;
  /** The input of {@link Gatehouse.verifySecondFactor}. */
  readonly verifySecondFactor: typeof verifySecondFactor;
  /** The input of {@link Gatehouse.sendSignInCode}. */
  readonly sendSignInCode: typeof sessionOnly;
  /** The input of {@link Gatehouse.beginTotpEnrollment}. */
  readonly beginTotpEnrollment: typeof beginTotpEnrollment;
  /** The input of {@link Gatehouse.completeTotpEnrollment}. */
  readonly completeTotpEnrollment: typeof sessionAndCode;
  /** The input of {@link Gatehouse.startMfaPhoneChange}. */
  readonly startMfaPhoneChange: typeof startMfaPhoneChange;
  /** The input of {@link Gatehouse.confirmMfaPhone}. */
  readonly confirmMfaPhone: typeof sessionAndCode;
  /** The input of {@link Gatehouse.revealRecoveryCode}. */
  readonly revealRecoveryCode: typeof revealRecoveryCode;
  /** The input of {@link Gatehouse.changePassword}. */
  readonly changePassword: typeof changePassword;
  /** The input of {@link Gatehouse.validateSession}. */
  readonly validateSession: typeof sessionOnly;
  /** The input of {@link Gatehouse.logout}. */
  readonly logout: typeof sessionOnly;
  /** The input of {@link Gatehouse.revokeSessions}. */
  readonly revokeSessions: typeof userOnly;
  /** The input of {@link Gatehouse.unlockUser}. */
  readonly unlockUser: typeof userOnly;
  /** The input of {@link Gatehouse.resetSecondFactorLock}. */
  readonly resetSecondFactorLock: typeof userOnly;
  /** The input of {@link Gatehouse.requestPasswordReset}. */
  readonly requestPasswordReset: typeof requestPasswordReset;
  /** The input of {@link Gatehouse.issuePasswordReset}. */
  readonly issuePasswordReset: typeof userOnly;
  /** The input of {@link Gatehouse.resetPassword}. */
  readonly resetPassword: typeof linkAndPassword;
  /** The input of {@link Gatehouse.listUsers}. */
  readonly listUsers: typeof listUsers;
  /** The input of {@link Gatehouse.getUser}. */
  readonly getUser: typeof userOnly;
  /** The input of {@link Gatehouse.updateUser}. */
  readonly updateUser: typeof updateUser;
  /** The input of {@link Gatehouse.removeUser}. */
  readonly removeUser: typeof userOnly;
  /** The input of {@link Gatehouse.listRoles}. */
  readonly listRoles: typeof listRoles;
  /** The input of {@link Gatehouse.createRole}. */
  readonly createRole: typeof createRole;
  /** The input of {@link Gatehouse.updateRole}. */
  readonly updateRole: typeof updateRole;
  /** The input of {@link Gatehouse.deleteRole}. */
  readonly deleteRole: typeof deleteRole;
  /** The input of {@link Gatehouse.listAuditLog}. */
  readonly listAuditLog: typeof listAuditLog;
  /** The input of {@link Gatehouse.upsertSsoConnection}. */
  readonly upsertSsoConnection: typeof upsertSsoConnection;
  /** The input of {@link Gatehouse.getSsoConnection}. */
  readonly getSsoConnection: typeof ssoConnectionRef;
  /** The input of {@link Gatehouse.deleteSsoConnection}. */
  readonly deleteSsoConnection: typeof ssoConnectionRef;
  /** The input of {@link Gatehouse.setSsoEmergencyAdministrators}. */
  readonly setSsoEmergencyAdministrators: typeof setSsoEmergencyAdministrators;
  /** The input of {@link Gatehouse.beginSso}. */
  readonly beginSso: typeof beginSso;
  /** The input of {@link Gatehouse.completeSso}. */
  readonly completeSso: typeof completeSso;
}

/**
 * The zod schema of every service method's input (see {@link Schemas}).
 * @example const body = parseInput(schemas.updateUser.omit({ userId: true }), req.body);
 */
export const schemas: Schemas = Object.freeze({
  createOrganization,
  getOrganization,
  updateOrganizationSettings,
  inviteUsers,
  addUser,
  resendInvitation: userOnly,
  activateAccount: linkAndPassword,
  login,
  verifySecondFactor,
  sendSignInCode: sessionOnly,
  beginTotpEnrollment,
  completeTotpEnrollment: sessionAndCode,
  startMfaPhoneChange,
  confirmMfaPhone: sessionAndCode,
  revealRecoveryCode,
  changePassword,
  validateSession: sessionOnly,
  logout: sessionOnly,
  revokeSessions: userOnly,
  unlockUser: userOnly,
  resetSecondFactorLock: userOnly,
  requestPasswordReset,
  issuePasswordReset: userOnly,
  resetPassword: linkAndPassword,
  listUsers,
  getUser: userOnly,
  updateUser,
  removeUser: userOnly,
  listRoles,
  createRole,
  updateRole,
  deleteRole,
  listAuditLog,
  upsertSsoConnection,
  getSsoConnection: ssoConnectionRef,
  deleteSsoConnection: ssoConnectionRef,
  setSsoEmergencyAdministrators,
  beginSso,
  completeSso,
});

/**
 * Parses input with a schema; a failure is a `ValidationError` naming each bad field, never a raw ZodError.
 * @example const input = parseInput(schemas.login, body);
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input, { error: plainMessage });
  if (result.success) return result.data;
  const issues: Issue[] = result.error.issues.flatMap((issue): Issue[] => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    // Every schema is strict: an unknown field is named, one issue each, rather than dropped in silence.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...path, key],
        reason: issue.code,
        message: `Unknown field "${key}".`,
      }));
    }
    // Our own rules name their reason (`control-character`, `invalid-email`); zod's are named by its code.
    const reason =
      issue.code === "custom" && typeof issue.params?.reason === "string" ? issue.params.reason : issue.code;
    return [{ path, reason, message: issue.message }];
  });
  throw new ValidationError(
    `Invalid input: ${issues.map((i) => i.path.join(".") || "(input)").join(", ")}.`,
    issues,
  );
}

type ZodIssue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * Zod's messages in words a person understands ("Too small: expected string to have >=1 characters" becomes
 * "Fill in this field."). The messages a schema sets itself (e-mail, phone, control characters) win over
 * these; an issue not named here keeps zod's own message.
 */
export function plainMessage(issue: ZodIssue): string | undefined {
  const count = (n: number | bigint, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? "Fill in this field."
          : `Use at least ${count(issue.minimum, "character", "characters")}.`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return Number(issue.minimum) <= 1 ? "Choose at least one." : `Choose at least ${issue.minimum}.`;
      }
      return `Use a number of at least ${issue.minimum}.`;
    case "too_big":
      if (issue.origin === "string") return `Use at most ${count(issue.maximum, "character", "characters")}.`;
      if (issue.origin === "array" || issue.origin === "set") return `Choose at most ${issue.maximum}.`;
      return `Use a number of at most ${issue.maximum}.`;
    case "invalid_type":
      return issue.input === undefined ? "Fill in this field." : `This must be ${article(issue.expected)}.`;
    case "invalid_value":
      return `Choose one of: ${issue.values.map(String).join(", ")}.`;
    case "invalid_format":
      return issue.format === "email"
        ? "Enter a valid e-mail address."
        : "This is not in the expected format.";
    default:
      return undefined;
  }
}

/** "string" → "a text", "number" → "a number", … for `invalid_type`. */
function article(expected: string): string {
  const words: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    boolean: "yes or no",
    array: "a list",
    object: "a set of fields",
  };
  return words[expected] ?? `a ${expected}`;
}
