/**
 * A value shared by everything in this process — the custom server and the Next.js route
 * bundles, which load their own copies of every module — kept on globalThis under a
 * registered symbol.
 */
export function processSlot<T>(name: string): { get(): T | undefined; set(value: T | undefined): void } {
  const key = Symbol.for(`parley.${name}`);
  const g = globalThis as Record<symbol, T | undefined>;
  return {
    get: () => g[key],
    set(value) {
      if (value === undefined) delete g[key];
      else g[key] = value;
    },
  };
}
