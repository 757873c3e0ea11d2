import { defineConfig } from "vitest/config";

// "@gatehousejs/source" resolves workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: "adapter-postgres",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // PGlite takes seconds to start, and the race cases run 50 callers against a real database.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
