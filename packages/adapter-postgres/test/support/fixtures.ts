import { randomUUID } from "node:crypto";

// The adapter's own tests build records with the conformance suite's builders.
export {
  makeAuditRecord as auditEntry,
  makeOrganization as organization,
  makeSession as session,
  makeToken as token,
  makeUser as user,
} from "@gatehousejs/core/testing";

export const newId = (prefix: string): string => `${prefix}_${randomUUID()}`;
