import { type Kysely, sql } from "kysely";

/** The conformance suite's `corruptAttempt` hook on MySQL: any JSON as an attempt row's state, past the codec. */
export function corruptAttemptRow(db: () => Kysely<unknown>) {
  return async (key: string, raw: unknown): Promise<void> => {
    const result =
      await sql`update login_attempts set state = ${JSON.stringify(raw)} where ${sql.ref("key")} = ${key}`.execute(
        db(),
      );
    if (result.numAffectedRows !== 1n) throw new Error(`No attempt row to damage under ${key}.`);
  };
}
