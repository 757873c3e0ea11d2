import { parseArgs } from "node:util";
import { isGatehouseError } from "@gatehousejs/core";
import { checkSchemaName } from "@gatehousejs/sql-base";
import { Kysely, PostgresDialect } from "kysely";
import { migrateToLatest, pendingMigrations } from "../migrations/index.js";
import { formatMigrationSql, migrationScripts } from "./migration-sql.js";

export const usage = `Usage: gatehouse-migrate [--schema <name>] [--dry-run | --sql]

Brings the Gatehouse tables in the PostgreSQL database at $DATABASE_URL up to date (needs the pg package).

  --schema <name>  the schema holding the Gatehouse tables (created if missing); default: the connection's
                   search_path, normally public. The same schema as given to createPostgresStore.
  --dry-run        connect, print the SQL of the migrations not yet applied, apply nothing
  --sql            print the SQL of every shipped migration without connecting, for teams that apply
                   migrations with their own tool (then do not also run gatehouse-migrate on that schema)
  -h, --help       this text

Exit status: 0 done, 1 the database refused or failed, 2 wrong usage.`;

/** Where the command writes, and what it reads; the bin passes the process's own. */
export interface MigrateCliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Opens the database; by default a `pg` pool on the URL. */
  readonly connect?: (url: string) => Promise<Kysely<unknown>>;
}

/** Runs `gatehouse-migrate` with `args` (without the command's name) and resolves its exit status. */
export async function runMigrateCli(args: readonly string[], io: MigrateCliIo): Promise<number> {
  let options: { schema?: string | undefined; dryRun: boolean; sql: boolean; help: boolean };
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        schema: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        sql: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    options = { schema: values.schema, dryRun: values["dry-run"], sql: values.sql, help: values.help };
    if (options.dryRun && options.sql) throw new Error("--dry-run and --sql do not go together.");
    if (options.schema !== undefined) checkSchemaName(options.schema);
  } catch (error) {
    io.stderr(`gatehouse-migrate: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  if (options.sql) {
    io.stdout(formatMigrationSql(await migrationScripts(options.schema), options.schema));
    return 0;
  }

  const url = io.env.DATABASE_URL;
  if (!url) {
    io.stderr("gatehouse-migrate: set DATABASE_URL to the database's connection string (postgres://…).\n");
    return 2;
  }
  let db: Kysely<unknown> | undefined;
  try {
    db = await (io.connect ?? connectWithPg)(url);
    const where = options.schema === undefined ? "the default schema" : `schema ${options.schema}`;
    if (options.dryRun) {
      const pending = await pendingMigrations(db, { schema: options.schema });
      io.stdout(`-- ${pending.length} migration(s) pending in ${where}; nothing was applied.\n`);
      if (pending.length > 0) {
        io.stdout(formatMigrationSql(await migrationScripts(options.schema, pending), options.schema));
      }
      return 0;
    }
    const { executed } = await migrateToLatest(db, { schema: options.schema });
    io.stdout(
      executed.length === 0
        ? `${capitalize(where)} is up to date.\n`
        : `Applied ${executed.join(", ")} to ${where}.\n`,
    );
    return 0;
  } catch (error) {
    io.stderr(`gatehouse-migrate: ${describe(error)}\n`);
    return 1;
  } finally {
    await db?.destroy();
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(error: unknown): string {
  if (!isGatehouseError(error)) return error instanceof Error ? error.message : String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.code}: ${error.message}${cause}`;
}

async function connectWithPg(url: string): Promise<Kysely<unknown>> {
  // pg stays optional for the library (hosts hand it their own Kysely); only this command opens a pool.
  const pg = await import("pg").then(
    (module) => module.default,
    () => {
      throw new Error("it connects with the pg package: install it (npm install pg).");
    },
  );
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: "gatehouse-migrate" });
  pool.on("error", () => undefined);
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}
