// Imports only the permission matrix (@gatehousejs/core/matrix): no store, no service, nothing native, so the
// same import bundles for a browser.
// Usage: node src/main.js                          print the shipped matrix as the product's tables
//        node src/main.js <role,role> <page> <action>   answer whether those roles may do it
import { can, compileGrants, defaultMatrix, isGatehouseError, renderMatrix } from "@gatehousejs/core/matrix";

const [roles, page, action] = process.argv.slice(2).filter((arg) => arg !== "--");

if (roles === undefined) {
  console.log(renderMatrix(defaultMatrix));
  console.log("Roles:", defaultMatrix.roles.map((role) => role.id).join(", "));
} else if (page === undefined || action === undefined) {
  console.error("usage: node src/main.js <role,role> <page> <action>");
  process.exitCode = 2;
} else {
  try {
    const grants = compileGrants(defaultMatrix, /** @type {any} */ (roles.split(",")));
    const allowed = can(grants, /** @type {any} */ (page), /** @type {any} */ (action));
    console.log(`${roles} ${allowed ? "may" : "may not"} ${action} on ${page}`);
    process.exitCode = allowed ? 0 : 1;
  } catch (error) {
    if (!isGatehouseError(error)) throw error;
    for (const issue of error.details.issues ?? []) console.error(issue.message);
    process.exitCode = 2;
  }
}
