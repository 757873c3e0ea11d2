import { checkSchemaName, type GatehouseTables } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import { toStoreError } from "./store-error.js";

/** Options of {@link purgeExpired}. */
export interface PurgeOptions {
  /** The instant to compare expiries with: the service's clock. */
  readonly now: Date;
  /** The schema given to `createPostgresStore`. @default the connection's search_path */
  readonly schema?: string;
}

/** How many expired rows {@link purgeExpired} deleted, per table. */
export interface PurgeReport {
  readonly sessions: number;
  readonly tokens: number;
  readonly loginAttempts: number;
}

/**
 * Deletes the sessions, tokens and login-attempt states that expired before `now`. Reads already ignore
 * them, so this only reclaims space: run it from a periodic job, as often as you like.
 * @example setInterval(() => purgeExpired(db, { now: new Date() }), 3_600_000);
 */
export async function purgeExpired<DB>(db: Kysely<DB>, options: PurgeOptions): Promise<PurgeReport> {
  const { schema, now } = options;
  if (schema !== undefined) checkSchemaName(schema);
  const typed = db as unknown as Kysely<GatehouseTables>;
  const s = schema === undefined ? typed : typed.withSchema(schema);
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
    throw toStoreError(error, "purgeExpired");
  }
}
