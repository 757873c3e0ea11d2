// What a browser app imports to show or hide UI by permission; bundled with esbuild for the browser.
import { can, compileGrants, defaultMatrix, renderMatrix } from "@gatehousejs/core/matrix";
import { emptyAttemptState, presets } from "@gatehousejs/core/policy";

const grants = compileGrants(defaultMatrix, ["callback.viewer", "platform.manager"]);
export const canExportAudit = can(grants, "callback.exports", "export-audit");
export const canExport = can(grants, "callback.exports", "export");
export const tables = renderMatrix(defaultMatrix);
export const lockout = { maxFailures: presets.team.lockout.maxFailures, state: emptyAttemptState() };
