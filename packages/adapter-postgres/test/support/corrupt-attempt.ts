import { type Kysely, sql } from "kysely";

/**
 * The conformance suite's `corruptAttempt` hook on PostgreSQL: overwrites the JSONB state of an attempt row
 * with any JSON, past the repository's codec, as a damaged or foreign row would read.
 */
export function corruptAttemptRow(db: () => Kysely<unknown>, schema?: string) {
  return async (key: string, raw: unknown): Promise<void> => {
    const table = schema === undefined ? sql.table("login_attempts") : sql.table(`${schema}.login_attempts`);
    const json = JSON.stringify(raw);
    const updated =
      await sql`update ${table} set state = ${json}::jsonb where key = ${key} returning key`.execute(db());
    if (updated.rows.length !== 1) throw new Error(`No attempt row to damage under ${key}.`);
  };
}
