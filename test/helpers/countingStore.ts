import type { TaskStore } from '../../functions/core/ports.js';

/** The store calls a consumer makes, by method name. */
export function countingStore(store: TaskStore): { store: TaskStore; calls: string[] } {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}
