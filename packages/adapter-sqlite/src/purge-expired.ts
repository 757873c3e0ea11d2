import { type PurgeOptions, type PurgeReport, purgeExpiredRows } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import { sqliteDialect } from "./sqlite-dialect.js";

export type { PurgeOptions, PurgeReport } from "@gatehousejs/sql-base";

/**
 * Deletes the sessions, tokens and login-attempt states that expired before `now`. Reads already ignore
 * them, so this only reclaims space: run it from a periodic job, as often as you like.
 * @example setInterval(() => purgeExpired(db, { now: new Date() }), 3_600_000);
 */
export function purgeExpired<DB>(db: Kysely<DB>, options: Pick<PurgeOptions, "now">): Promise<PurgeReport> {
  return purgeExpiredRows(sqliteDialect, db, options);
}
