/**
 * Code loaded when it is first needed. Every part of the bundle that is not in the core is loaded through `lazy()`,
 * with one policy: the first call starts the load and later calls share it; once the part has arrived, `loaded`
 * holds it, so that callers go on synchronously from then on; a load that fails is forgotten, so that the next call
 * asks again (a caller that cannot do without the part says so, or says nothing if the part only explains). Chromium
 * keeps a module that failed to load failed until the page reloads: there the next call fails at once.
 */
export interface Lazy<T> {
  (): Promise<T>;
  /** The part, once it has arrived. */
  loaded?: T;
  /** For tests: loads with `load` from now on, forgetting what was loaded (the part's own import when undefined). */
  use(load?: () => Promise<T>): void;
}

export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let from = load;
  let loading: Promise<T> | undefined;
  const part = (() =>
    (loading ??= from().then(
      (module) => (part.loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ))) as Lazy<T>;
  part.use = (other = load) => {
    from = other;
    loading = part.loaded = undefined;
  };
  return part;
}
