import { z } from "zod";
import { type Issue, ValidationError } from "../errors.js";
import { secondFactorMethods } from "./factors/index.js";

// The input schemas of every public service method, exported so a binding (the Express routes) validates
// with the very same rules. Bounds everywhere: nothing unbounded reaches a hash function or a store.

const id = z.string().min(1).max(100);
const password = z.string().min(1).max(1024);
const name = z.string().trim().min(1).max(200);
/**
 * A given or a family name: trimmed, at most 200 characters (the bound of the single name it replaced, so
 * every migrated name fits); empty or null means none, so a form's blank field clears it and never fails.
 */
const personName = z
  .string()
  .trim()
  .max(200)
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
const cursor = z.string().max(500).nullish();
const limit = z.number().int().min(1).max(200).optional();
const permissions = z
  .array(z.object({ page: z.string().min(1).max(200), action: z.string().min(1).max(100) }).strict())
  .max(2000);

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
    .object({ organizationId: id, emails: z.string().max(100_000), roles: roleIds.min(1) })
    .strict(),
  addUser: z
    .object({
      organizationId: id,
      email: z.string().max(320),
      givenName: personName,
      familyName: personName,
      phone: phone.nullish(),
      roles: roleIds.optional(),
    })
    .strict(),
  login: z.object({ email: z.string().max(320), password }).strict(),
  secondFactor: z.object({ method: z.enum(secondFactorMethods), code }).strict(),
  password: z.object({ password }).strict(),
  changePassword: z.object({ currentPassword: password.optional(), newPassword: password }).strict(),
  tokenAndPassword: z.object({ token: z.string().min(1).max(200), password }).strict(),
  email: z.object({ email: z.string().max(320) }).strict(),
  code: z.object({ code }).strict(),
  totpEnrollment: z.object({ password: password.optional() }).strict(),
  mfaPhone: z.object({ password, phone }).strict(),
  listUsers: z
    .object({ organizationId: id, search: z.string().trim().max(320).optional(), cursor, limit })
    .strict(),
  updateUser: z
    .object({
      givenName: personName,
      familyName: personName,
      phone: phone.nullable().optional(),
      email: z.string().max(320).optional(),
      roles: roleIds.min(1).optional(),
      currentPassword: password.optional(),
    })
    .strict(),
  createRole: z
    .object({
      organizationId: id,
      name,
      description: z.string().trim().max(1000).optional(),
      permissions,
    })
    .strict(),
  updateRole: z
    .object({
      name: name.optional(),
      description: z.string().trim().max(1000).optional(),
      permissions: permissions.optional(),
    })
    .strict(),
  listAudit: z.object({ organizationId: id, userId: id.optional(), cursor, limit }).strict(),
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
    return [{ path, reason: issue.code, message: issue.message }];
  });
  throw new ValidationError(
    `Invalid input: ${issues.map((i) => i.path.join(".") || "(input)").join(", ")}.`,
    issues,
  );
}
