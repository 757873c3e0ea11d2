// @gatehouse/core: explicit named exports only.

export { type Clock, systemClock } from "./clock.js";
export * from "./crypto/index.js";
export {
  type ErrorCode,
  type ErrorDetails,
  errorCodes,
  GatehouseError,
  httpStatusOf,
  type Issue,
  isGatehouseError,
  StorageUnavailableError,
  ValidationError,
} from "./errors.js";
export * from "./matrix/index.js";
export {
  createConsoleMailer,
  createMemoryMailer,
  createMemorySmsSender,
  type MemoryMailer,
  type MemorySmsSender,
} from "./messages/memory-mailer.js";
export type {
  Mailer,
  MailKind,
  MailMessage,
  RenderedMail,
  SmsMessage,
  SmsSender,
} from "./messages/messages.js";
export { defaultMailTemplates, type MailContent, type MailTemplates } from "./messages/templates.js";
export * from "./policy/index.js";
export type { Actor } from "./service/actor.js";
export { type AttemptGate, updateAttemptState } from "./service/attempts.js";
export type { GatehouseOptions, LinkBuilders, ServiceContext } from "./service/context.js";
export { createGatehouse, type Gatehouse } from "./service/create-gatehouse.js";
export type { LoginResult } from "./service/login.js";
export type { EnrollmentResult, TotpEnrollment } from "./service/mfa.js";
export { defaultFlowPermissions, type FlowPermission, type FlowPermissions } from "./service/permissions.js";
export type { Delivery, ProvisionResult } from "./service/provisioning.js";
export { parseInput, schemas } from "./service/schemas.js";
export type { IssuedSession, ValidSession } from "./service/sessions.js";
export type { UserChanges } from "./service/users.js";
export type { Organization, RoleView, User } from "./service/views.js";
export * from "./store/index.js";
export { createMemoryStore } from "./store/memory-store.js";
