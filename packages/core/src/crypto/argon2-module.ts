type Argon2 = typeof import("@node-rs/argon2");

// A specifier in a variable, not a literal: bundlers (esbuild, webpack, Next.js, Vite SSR) cannot follow it, so
// they leave the native module and its `.node` binary to Node's resolver at run time instead of failing on
// them. Importing the package therefore loads nothing native until the first password is hashed or verified.
const specifier = "@node-rs/argon2";
let argon2: Promise<Argon2> | undefined;
let loaded: Argon2 | undefined;

/** The binding once {@link loadArgon2} has loaded it, else `undefined`: a call on it starts at once. */
export function loadedArgon2(): Argon2 | undefined {
  return loaded;
}

/** The argon2 binding, loaded on first use and kept; a failed load is retried on the next call. */
export function loadArgon2(): Promise<Argon2> {
  argon2 ??= import(/* webpackIgnore: true */ /* @vite-ignore */ specifier).then(
    // A CommonJS module imported from ESM: its exports are named exports and `default`, depending on the loader.
    (module: Argon2 & { default?: Argon2 }) =>
      (loaded = typeof module.hash === "function" ? module : (module.default ?? module)),
    (error: unknown) => {
      argon2 = undefined;
      throw error;
    },
  );
  return argon2;
}
