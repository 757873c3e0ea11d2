import { z } from "zod";
import { type Issue, ValidationError } from "../errors.js";
import { secondFactorMethods } from "./factors/index.js";

// The input schemas of every public service method, exported so a binding (the Express routes) validates
// with the very same rules. Bounds everywhere: nothing unbounded reaches a hash function or a store.

const id = z.string().min(1).max(100);
const password = z.string().min(1).max(1024);
const name = z.string().trim().min(1).max(200);
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
  .array(z.object({ page: z.string().min(1).max(200), action: z.string().min(1).max(100) }))
  .max(2000);

/** The zod schemas of the service's inputs. */
export const schemas = {
  createOrganization: z.object({
    name,
    preset: z.enum(["enterprise", "team"]).optional(),
    mfa: z.enum(["off", "optional", "required"]).optional(),
    authMode: z.enum(["password", "sso"]).optional(),
    provisioning: z.enum(["invite", "external", "members-only"]).optional(),
  }),
  updateOrganizationSettings: z.object({
    mfa: z.enum(["off", "optional", "required"]).optional(),
    authMode: z.enum(["password", "sso"]).optional(),
    provisioning: z.enum(["invite", "external", "members-only"]).optional(),
  }),
  inviteUsers: z.object({ organizationId: id, emails: z.string().max(100_000), roles: roleIds.min(1) }),
  addUser: z.object({
    organizationId: id,
    email: z.string().max(320),
    name,
    phone: phone.nullish(),
    roles: roleIds.optional(),
  }),
  login: z.object({ email: z.string().max(320), password }),
  secondFactor: z.object({ method: z.enum(secondFactorMethods), code }),
  password: z.object({ password }),
  changePassword: z.object({ currentPassword: password.optional(), newPassword: password }),
  tokenAndPassword: z.object({ token: z.string().min(1).max(200), password }),
  email: z.object({ email: z.string().max(320) }),
  code: z.object({ code }),
  totpEnrollment: z.object({ password: password.optional() }),
  mfaPhone: z.object({ password, phone }),
  listUsers: z.object({ organizationId: id, search: z.string().trim().max(320).optional(), cursor, limit }),
  updateUser: z
    .object({
      name: name.optional(),
      phone: phone.nullable().optional(),
      email: z.string().max(320).optional(),
      roles: roleIds.min(1).optional(),
    })
    .strict(),
  createRole: z.object({
    organizationId: id,
    name,
    description: z.string().trim().max(1000).optional(),
    permissions,
  }),
  updateRole: z
    .object({
      name: name.optional(),
      description: z.string().trim().max(1000).optional(),
      permissions: permissions.optional(),
    })
    .strict(),
  listAudit: z.object({ organizationId: id, userId: id.optional(), cursor, limit }),
  id,
} as const;

/**
 * Parses input with a schema; a failure is a `ValidationError` naming each bad field, never a raw ZodError.
 * @example const input = parseInput(schemas.login, body);
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: Issue[] = result.error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    reason: issue.code,
    message: issue.message,
  }));
  throw new ValidationError(
    `Invalid input: ${issues.map((i) => i.path.join(".") || "(input)").join(", ")}.`,
    issues,
  );
}
