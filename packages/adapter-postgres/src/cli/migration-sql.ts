import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import { gatehouseMigrations } from "../migrations/index.js";

/** One shipped migration as the SQL statements it runs. */
export interface MigrationScript {
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The SQL of the shipped migrations (all of them, or those named), rendered without a database: each
 * migration runs against a driver that records the statements instead of executing them.
 */
export async function migrationScripts(
  schema?: string,
  only?: readonly string[],
): Promise<MigrationScript[]> {
  const scripts: MigrationScript[] = [];
  for (const [name, migration] of Object.entries(gatehouseMigrations(schema))) {
    if (only !== undefined && !only.includes(name)) continue;
    const statements: string[] = [];
    const db = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => recordingDriver(statements),
        createIntrospector: (inner) => new PostgresIntrospector(inner),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    await migration.up(db);
    await db.destroy();
    scripts.push({ name, statements });
  }
  return scripts;
}

/** The scripts as one SQL file: the schema first when one is named, then each migration under its name. */
export function formatMigrationSql(scripts: readonly MigrationScript[], schema?: string): string {
  const lines: string[] = [];
  if (schema !== undefined) lines.push(`create schema if not exists "${schema}";`, "");
  for (const script of scripts) {
    lines.push(`-- ${script.name}`);
    for (const statement of script.statements) lines.push(`${statement};`);
    lines.push("");
  }
  return lines.join("\n");
}

function recordingDriver(statements: string[]): Driver {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: { sql: string; parameters: readonly unknown[] }): Promise<QueryResult<R>> {
      // DDL takes no bind parameters, so a migration never has any; refuse rather than print broken SQL.
      if (query.parameters.length > 0) throw new Error(`A migration statement has parameters: ${query.sql}`);
      statements.push(query.sql);
      return { rows: [] };
    },
    streamQuery() {
      throw new Error("Migrations do not stream.");
    },
  };
  return {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => undefined,
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
}
