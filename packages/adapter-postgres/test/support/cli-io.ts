import type { Kysely } from "kysely";
import { type MigrateCliIo, runMigrateCli } from "../../src/cli/migrate.js";

/** What one run of `gatehouse-migrate` wrote and returned. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in-process with `env`, capturing its output; `connect` replaces the pg pool. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  connect?: (url: string) => Promise<Kysely<unknown>>,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: MigrateCliIo = {
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...(connect === undefined ? {} : { connect }),
  };
  const status = await runMigrateCli(args, io);
  return { status, stdout, stderr };
}
