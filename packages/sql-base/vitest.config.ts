import { defineConfig } from "vitest/config";

// "@gatehousejs/source" resolves workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // The repositories run on real databases in each adapter's tests (adapter-postgres, adapter-mysql).
  test: { name: "sql-base", include: ["test/**/*.test.ts"] },
});
