import { defineConfig } from "tsup";

export default defineConfig({
  // One file per package entry point (see `exports` in package.json).
  entry: { index: "src/index.ts", testing: "src/testing/index.ts" },
  external: ["vitest"],
  format: ["esm", "cjs"],
  // Shared chunks in CommonJS too, so both entry points of one install share one `HttpProblem` class.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
