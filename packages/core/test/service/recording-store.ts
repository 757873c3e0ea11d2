import type { Store } from "../../src/store/store.js";

/**
 * The store with every repository call recorded in order, by name (`sessions.create`…). Each repository is
 * wrapped once, so the wrapped store hands out the same object every time (a `SignInCommit` naming the store's
 * repositories still finds them its own).
 */
export function recordingStore(base: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const wrapped = { ...base } as Record<string, unknown>;
  for (const [name, repository] of Object.entries(base)) {
    if (typeof repository !== "object" || repository === null) continue;
    wrapped[name] = new Proxy(repository, {
      get(target, method, receiver) {
        const value = Reflect.get(target, method, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(method)}`);
          return value.apply(target, args);
        };
      },
    });
  }
  return { store: wrapped as unknown as Store, calls };
}
