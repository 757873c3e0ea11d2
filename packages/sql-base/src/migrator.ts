import type { Kysely } from "kysely";
import * as kysely from "kysely";
import type { MigrationInfo, MigrationProvider, MigrationResultSet, MigratorProps } from "kysely/migration";

/**
 * One migration, as kysely's `Migrator` takes it (`Migration` from `kysely/migration` on kysely 0.29, from
 * `kysely` on 0.28): spelled out so the package's types name no module that only one kysely line has.
 */
export interface GatehouseMigration {
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
}

/** The slice of kysely's `Migrator` the package uses. */
export interface MigratorLike {
  migrateToLatest(): Promise<MigrationResultSet>;
  getMigrations(): Promise<ReadonlyArray<MigrationInfo>>;
}

type MigratorConstructor = new (props: MigratorProps & { provider: MigrationProvider }) => MigratorLike;

/**
 * kysely's `Migrator`, from whichever line the host installed: 0.28 exports it from `kysely`, 0.29 only from
 * `kysely/migration` (a subpath 0.28 does not have, hence the import on demand).
 */
export async function loadMigrator(): Promise<MigratorConstructor> {
  const fromRoot: unknown = Reflect.get(kysely, "Migrator");
  if (typeof fromRoot === "function") return fromRoot as MigratorConstructor;
  const { Migrator } = await import("kysely/migration");
  return Migrator;
}
