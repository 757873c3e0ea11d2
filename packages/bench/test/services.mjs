// Which servers the tests of the store benchmarks can use. Outside CI a missing server skips those tests with
// a warning; with CI=true it fails the run, so CI never passes by skipping.

import { probeServices } from "../src/services.mjs";

const probed = await probeServices();
const down = [probed.postgres, probed.redis].filter((reason) => reason !== null);
if (down.length > 0) {
  if (process.env.CI === "true") throw new Error(`the bench tests need their servers: ${down.join("; ")}`);
  console.warn(`skipping the bench tests that need servers: ${down.join("; ")}`);
}

/** Whether PostgreSQL answers at DATABASE_URL. */
export const postgresUp = probed.postgres === null;
/** Whether PostgreSQL and Redis both answer. */
export const servicesUp = down.length === 0;
