import { defineConfig } from "vitest/config";

// The peer range takes kysely 0.28 and 0.29. The "kysely" devDependency is 0.29; this project runs the
// store's conformance suite, the service flows and the migrations again on "kysely-0.28" (an npm alias of
// the latest 0.28), swapped in for every `import … from "kysely"` of the sources and the tests.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions, alias: [{ find: /^kysely$/, replacement: "kysely-0.28" }] },
  ssr: { resolve: { conditions } },
  test: {
    name: "adapter-postgres:kysely-0.28",
    include: [
      "test/kysely-line.test.ts",
      "test/conformance.*.test.ts",
      "test/service-flows.*.test.ts",
      "test/migrations.*.test.ts",
    ],
    env: { GATEHOUSE_KYSELY_LINE: "0.28" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
