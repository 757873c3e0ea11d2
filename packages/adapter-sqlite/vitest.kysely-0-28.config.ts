import { defineConfig } from "vitest/config";

// The peer range takes kysely 0.28 and 0.29: this project runs the conformance suite, the service flows and
// the migrations again on "kysely-0.28" (an npm alias), swapped in for every `import … from "kysely"`.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions, alias: [{ find: /^kysely$/, replacement: "kysely-0.28" }] },
  ssr: { resolve: { conditions } },
  test: {
    name: "adapter-sqlite:kysely-0.28",
    include: ["test/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
