import { defineConfig } from "vitest/config";

// The peer range takes ioredis 5 and 6. The "ioredis" devDependency is 6; this project runs the store's
// conformance suite and the service flows again on "ioredis-5" (an npm alias of the latest 5.x), swapped in
// for every `import … from "ioredis"` of the sources and the tests.
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions, alias: [{ find: /^ioredis$/, replacement: "ioredis-5" }] },
  ssr: { resolve: { conditions } },
  test: {
    name: "adapter-redis:ioredis-5",
    include: ["test/ioredis-line.test.ts", "test/conformance.test.ts", "test/service-flows.test.ts"],
    env: { GATEHOUSE_IOREDIS_LINE: "5" },
  },
});
