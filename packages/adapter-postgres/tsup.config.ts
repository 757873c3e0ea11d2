import { defineConfig } from "tsup";

export default defineConfig({
  // The library, and the `gatehouse-migrate` command (package.json `bin`; ESM, run by Node directly).
  entry: { index: "src/index.ts", "gatehouse-migrate": "src/bin/gatehouse-migrate.ts" },
  // pg is the command's optional peer (a devDependency here), loaded at run time: never bundle it.
  external: ["pg"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
