/**
 * Wraps `target` so that the first call of `method` rejects before it reaches the target,
 * as if the process died just before that step; later calls go through.
 */
export function crashOnce<T extends object>(target: T, method: keyof T): T {
  let crashed = false;
  return new Proxy(target, {
    get(object, name) {
      const value = Reflect.get(object, name, object);
      if (typeof value !== 'function') return value;
      if (name !== method) return value.bind(object);
      return (...args: unknown[]) => {
        if (crashed) return value.apply(object, args);
        crashed = true;
        return Promise.reject(new Error(`crash before ${String(method)}`));
      };
    },
  });
}
