import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A package's vitest.<line>.config.ts runs some of its suites again on another line of a peer dependency
    // the package accepts (kysely 0.28, ioredis 5, Express 4).
    projects: ["packages/*", "examples/*", "packages/*/vitest.*.config.ts"],
  },
});
