import { createStoreErrorMapper } from "@gatehousejs/core/adapter-kit";
import type { Kysely } from "kysely";
import type { SqlDialect } from "./dialect.js";
import type { GatehouseTables } from "./schema.js";
import { checkSchemaName } from "./schema-name.js";

/** Options of {@link purgeExpiredRows}. */
export interface PurgeOptions {
  /** The instant to compare expiries with: the service's clock. */
  readonly now: Date;
  /** The schema given to the store. @default the connection's */
  readonly schema?: string;
}

/** How many expired rows a purge deleted, per table. */
export interface PurgeReport {
  readonly sessions: number;
  readonly tokens: number;
  readonly loginAttempts: number;
}

/**
 * Deletes the sessions, tokens and login-attempt states that expired before `now`. Reads already ignore them,
 * so this only reclaims space; each adapter exports it as `purgeExpired(db, options)`.
 * @example export const purgeExpired = <DB>(db: Kysely<DB>, options: PurgeOptions) => purgeExpiredRows(myDialect, db, options);
 */
export async function purgeExpiredRows<DB>(
  dialect: SqlDialect,
  db: Kysely<DB>,
  options: PurgeOptions,
): Promise<PurgeReport> {
  const { schema } = options;
  if (schema !== undefined) checkSchemaName(schema);
  const typed = db as unknown as Kysely<GatehouseTables>;
  const s = schema === undefined ? typed : typed.withSchema(schema);
  const now = dialect.toInstant(options.now) as Date;
  try {
    const sessions = await s.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    const tokens = await s.deleteFrom("tokens").where("expires_at", "<=", now).executeTakeFirst();
    const attempts = await s.deleteFrom("login_attempts").where("expires_at", "<=", now).executeTakeFirst();
    return {
      sessions: Number(sessions.numDeletedRows),
      tokens: Number(tokens.numDeletedRows),
      loginAttempts: Number(attempts.numDeletedRows),
    };
  } catch (error) {
    throw createStoreErrorMapper(dialect)(error, "purgeExpired");
  }
}
