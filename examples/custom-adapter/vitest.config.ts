import { defineConfig } from "vitest/config";

const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // The race cases run dozens of callers through a real database.
  test: { name: "example-custom-adapter", testTimeout: 30_000 },
});
