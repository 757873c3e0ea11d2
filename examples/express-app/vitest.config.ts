import { defineConfig } from "vitest/config";

// "@gatehousejs/source" resolves workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: "example-express-app",
    include: ["test/**/*.test.ts", "test/**/*.test.js"],
    // The browser story drives a real Chromium through a dozen pages with argon2id at full cost.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
