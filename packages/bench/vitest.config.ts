import { defineConfig } from "vitest/config";

// "@gatehousejs/source" resolves workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: "bench",
    include: ["test/**/*.test.mjs"],
    // A quick run of the benchmark takes a few seconds on a loaded machine.
    testTimeout: 60_000,
  },
});
