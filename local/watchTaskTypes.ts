import { type FSWatcher, watch } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { LocalPipeline } from './LocalPipeline.js';
import type { loadTaskFunctions } from './taskFunctions.js';

/** Saving a file fires several events; wait this long for the last. */
const DEBOUNCE_MS = 150;

export interface WatchTaskTypesOptions {
  pipeline: LocalPipeline;
  /** The folder of the task type sources, watched with its subfolders. */
  dir: string;
  /** The module that exports `registry`, usually `<dir>/index.ts`. */
  registryFile: string;
  /** Paths in messages are shown relative to this folder. */
  root: string;
  print: (line: string) => void;
  /** After a successful reload, e.g. to rewrite the state file. */
  onReload?: (types: string[]) => Promise<void> | void;
}

/**
 * Watches the task type sources while the runtime runs; on a change, imports them again
 * through a fresh module graph and swaps the consumer and the API in place, as `tsx watch`
 * would restart them. A change that fails to load leaves the old types running.
 */
export function watchTaskTypes(options: WatchTaskTypesOptions): { close(): void } {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  const reload = async () => {
    const files = [...changed].map((f) => relative(options.root, f)).join(', ');
    changed.clear();
    const { pipeline, print } = options;
    try {
      // Each call is a new module graph: the edited files and the core they import.
      const fresh = (await tsImport('./taskFunctions.ts', import.meta.url)) as {
        loadTaskFunctions: typeof loadTaskFunctions;
      };
      const next = await fresh.loadTaskFunctions(
        pathToFileURL(options.registryFile).href,
        pipeline.taskFunctionDeps,
      );
      pipeline.swapTaskFunctions(next);
      await options.onReload?.(next.registry.types);
      print(
        `task types changed (${files}): consumer and API reloaded with ${next.registry.types.length} types`,
      );
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      print(
        `task types changed (${files}) but did not load, still running the ${pipeline.info.taskTypes?.length} previous types: ${reason}`,
      );
    }
  };
  const watcher: FSWatcher = watch(options.dir, { recursive: true }, (_event, name) => {
    if (!name || !/\.[cm]?[jt]s$/.test(name)) return;
    changed.add(`${options.dir}/${name}`);
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(reload);
    }, DEBOUNCE_MS);
  });
  watcher.unref();
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
