import { GatehouseError } from "../../../src/errors.js";
import type { Store } from "../../../src/store/store.js";

/**
 * The memory store whose CONFLICTs name the database's constraint instead of the record's field
 * (`path: ["unique_violation"]`), as a generic driver-error mapping would.
 */
export function withUnnamedConflicts(base: Store): Store {
  const wrap = <T extends object>(repository: T): T => {
    const wrapped: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(repository)) {
      const call = value as (...args: unknown[]) => Promise<unknown>;
      wrapped[method] = async (...args: unknown[]) => {
        try {
          return await call(...args);
        } catch (error) {
          if (!(error instanceof GatehouseError) || error.code !== "CONFLICT") throw error;
          const message = "A unique key is already taken.";
          throw new GatehouseError("CONFLICT", message, {
            issues: [{ path: ["unique_violation"], reason: "already-exists", message }],
          });
        }
      };
    }
    return wrapped as T;
  };
  return {
    ...base,
    organizations: wrap(base.organizations),
    users: wrap(base.users),
    roles: wrap(base.roles),
    audit: wrap(base.audit),
    sessions: wrap(base.sessions),
    tokens: wrap(base.tokens),
  };
}
