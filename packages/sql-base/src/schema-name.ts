import { GatehouseError } from "@gatehousejs/core";

/** Throws CONFIGURATION unless `schema` is a plain SQL identifier (letters, digits, `_`; at most 63, the shortest limit, PostgreSQL's). */
export function checkSchemaName(schema: string): void {
  if (/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) return;
  const message = `The schema name ${JSON.stringify(schema)} is not a plain identifier (letters, digits and _).`;
  throw new GatehouseError("CONFIGURATION", message, {
    issues: [{ path: ["schema"], reason: "invalid", message }],
  });
}
