import { defineConfig } from "tsup";

export default defineConfig({
  // One file per package entry point (see `exports` in package.json).
  entry: {
    index: "src/index.ts",
    matrix: "src/matrix/index.ts",
    policy: "src/policy/index.ts",
    testing: "src/testing/index.ts",
    "testing-fixtures": "src/testing/fixtures-entry.ts",
    "adapter-kit": "src/adapter-kit/index.ts",
  },
  external: ["vitest"],
  format: ["esm", "cjs"],
  // Shared chunks in CommonJS too, so every entry point of one install shares one `GatehouseError` class.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
