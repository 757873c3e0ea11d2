import { defineConfig } from "vitest/config";

// "@gatehousejs/source" resolves workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: "adapter-mysql",
    include: ["test/**/*.test.ts"],
    // The race cases run 50 callers against a real server.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
