import { z } from "zod";
import { type Issue, ValidationError } from "../errors.js";
import { normalizeEmail } from "../policy/invitation.js";
import { secondFactorMethods } from "./factors/index.js";

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

const id = safeText(z.string().min(1).max(100));
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

/** The zod schemas of the service's inputs. */
export const schemas = {
  createOrganization: z
    .object({
      name,
      preset: z.enum(["enterprise", "team"]).optional(),
      mfa: z.enum(["off", "optional", "required"]).optional(),
      authMode: z.enum(["password", "sso"]).optional(),
      provisioning: z.enum(["invite", "external", "members-only"]).optional(),
    })
    .strict(),
  updateOrganizationSettings: z
    .object({
      mfa: z.enum(["off", "optional", "required"]).optional(),
      authMode: z.enum(["password", "sso"]).optional(),
      provisioning: z.enum(["invite", "external", "members-only"]).optional(),
    })
    .strict(),
  inviteUsers: z
    .object({
      organizationId: id,
      emails: safeText(z.string().max(100_000), { multiline: true }),
      roles: roleIds.min(1),
    })
    .strict(),
  addUser: z
    .object({
      organizationId: id,
      email: safeText(z.string().max(320)),
      givenName: personName,
      familyName: personName,
      phone: phone.nullish(),
      roles: roleIds.optional(),
    })
    .strict(),
  login: z.object({ email: emailAddress(), password }).strict(),
  secondFactor: z.object({ method: z.enum(secondFactorMethods), code }).strict(),
  password: z.object({ password }).strict(),
  changePassword: z.object({ currentPassword: password.optional(), newPassword: password }).strict(),
  tokenAndPassword: z.object({ token: z.string().min(1).max(200), password }).strict(),
  email: z.object({ email: emailAddress() }).strict(),
  code: z.object({ code }).strict(),
  totpEnrollment: z.object({ password: password.optional() }).strict(),
  mfaPhone: z.object({ password, phone }).strict(),
  listUsers: z
    .object({
      organizationId: id,
      search: safeText(z.string().trim().max(320)).optional(),
      cursor,
      limit,
    })
    .strict(),
  updateUser: z
    .object({
      givenName: personName,
      familyName: personName,
      phone: phone.nullable().optional(),
      email: safeText(z.string().max(320)).optional(),
      roles: roleIds.min(1).optional(),
      currentPassword: password.optional(),
    })
    .strict(),
  createRole: z
    .object({
      organizationId: id,
      name,
      description: description.optional(),
      permissions,
    })
    .strict(),
  updateRole: z
    .object({
      name: name.optional(),
      description: description.optional(),
      permissions: permissions.optional(),
    })
    .strict(),
  listAudit: z.object({ organizationId: id, userId: id.optional(), cursor, limit }).strict(),
  upsertSsoConnection: z
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
      secondFactor: z.enum(["identity-provider", "gatehouse"]).optional(),
    })
    .strict(),
  organizationRef: z.object({ organizationId: id }).strict(),
  ssoEmergencyAdministrators: z.object({ organizationId: id, userIds: z.array(id).max(20) }).strict(),
  beginSso: z
    .object({ organizationId: id.optional(), email: emailAddress().optional(), redirectUri: webUrl })
    .strict()
    .refine((input) => (input.organizationId === undefined) !== (input.email === undefined), {
      message: "Give either the organization or an e-mail address.",
      params: { reason: "one-of" },
    }),
  completeSso: z
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
    }),
  id,
} as const;

/**
 * Parses input with a schema; a failure is a `ValidationError` naming each bad field, never a raw ZodError.
 * @example const input = parseInput(schemas.login, body);
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
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
