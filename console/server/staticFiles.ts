import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` writes the web app (console/web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * The built web app, read into memory once: only these paths are served, so no request
 * path ever reaches the file system.
 */
export async function loadStaticFiles(dir = WEB_DIST): Promise<Map<string, StaticFile>> {
  if (!existsSync(join(dir, 'index.html'))) await buildWebApp();
  const files = new Map<string, StaticFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = `/${relative(dir, full).split(sep).join('/')}`;
    const type = TYPES[extname(entry.name)] ?? 'application/octet-stream';
    files.set(path, { body: await readFile(full), type });
  }
  return files;
}

/** Builds the web app when `npm ci` did not (its `prepare` script builds it). */
async function buildWebApp(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  });
}
