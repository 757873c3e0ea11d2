import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // `sqlite` is a built-in only as `node:sqlite` (no bare specifier exists): keep the prefix.
  removeNodeProtocol: false,
});
