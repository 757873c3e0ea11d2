// `pnpm demo` (and `pnpm demo:hono`, which shares this hook) runs the app on the workspace packages' TypeScript
// sources, so no build stands between a checkout and the first page: `--conditions=@gatehousejs/source` picks
// `src/*.ts` from each package's exports, `--experimental-transform-types` compiles them as they load (Node >= 22.7), and this hook maps
// their relative `./x.js` imports (written as they will be once compiled) to the `./x.ts` beside them.
import { existsSync } from "node:fs";
import { register } from "node:module";
import { fileURLToPath } from "node:url";

/** @type {import("node:module").ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
    const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
  }
  return nextResolve(specifier, context);
}

// Imported with `--import`, this file registers itself; loaded as the hooks module, it only exports `resolve`.
if (!process.env.GATEHOUSE_SOURCE_HOOKS) {
  process.env.GATEHOUSE_SOURCE_HOOKS = "1";
  register(import.meta.url);
}
