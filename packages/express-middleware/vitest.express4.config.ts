import { defineConfig } from "vitest/config";

// The peer range takes Express 4 and 5. The "express" devDependency is 5; this project runs the route suites
// and the middleware tests again on "express4" (an npm alias of the latest 4.x), swapped in for every
// `import … from "express"` of the sources (the router) and the tests (the app).
const conditions = ["@gatehousejs/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions, alias: [{ find: /^express$/, replacement: "express4" }] },
  ssr: { resolve: { conditions } },
  test: {
    name: "express-middleware:express4",
    include: [
      "test/express-line.test.ts",
      "test/routes.*.test.ts",
      "test/middleware.test.ts",
      "test/express-binding.test.ts",
    ],
    env: { GATEHOUSE_EXPRESS_LINE: "4" },
  },
});
