import { existsSync } from 'node:fs';
import { DataDirError } from './DataDirError.js';

/**
 * Opens the task table's LevelDB once before dynalite does: dynalite opens it lazily and a
 * corrupt one would only surface as a crash on its first request.
 */
export async function checkTaskTable(path: string): Promise<void> {
  if (!existsSync(path)) return;
  // Loaded here: the native LevelDB binding is needed only with a data dir.
  const { Level } = await import('level');
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new DataDirError(
      `the task table in ${path} cannot be opened (${cause}). ` +
        'Start with --reset to clear the data dir (its tasks and messages are deleted), or choose another --data-dir',
    );
  } finally {
    await db.close();
  }
}
