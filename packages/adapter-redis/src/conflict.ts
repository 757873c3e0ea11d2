import { GatehouseError } from "@gatehousejs/core";

/** The CONFLICT error of a create whose key is taken, naming the field as the store contract asks. */
export function conflictError(what: string, field: string): GatehouseError {
  const message = `A ${what} with this ${field} exists.`;
  return new GatehouseError("CONFLICT", message, {
    issues: [{ path: [field], reason: "already-exists", message }],
  });
}
