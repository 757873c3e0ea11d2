import { describeAdminRoutes } from "./suites/admin.js";
import { describeCsrf } from "./suites/csrf.js";
import { describeSignInRoutes } from "./suites/sign-in.js";
import { describeOnPostgresAndRedis } from "./support/stores.js";

// Every route on the composed store the design recommends: durable data in PostgreSQL, sessions, attempts and
// tokens in Redis. One schema and one key prefix for the file; each test uses addresses of its own.
await describeOnPostgresAndRedis("routes on PostgreSQL + Redis", (store) => {
  describeSignInRoutes(store);
  describeAdminRoutes(store);
  describeCsrf(store);
});
