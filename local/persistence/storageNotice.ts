/**
 * The banner's one line on what a stop keeps. Without a data dir, everything is in memory.
 * With one, the guarantee is the journal's (docs/persistence.md): a kill of the process
 * loses nothing acknowledged; a power cut may lose what the OS had not yet written.
 */
export function storageNotice(dataDir: string | undefined): string {
  if (!dataDir) return 'in memory: stopping loses all tasks; use --data-dir to keep them';
  return `data in ${dataDir}: tasks, queued messages and alarm states survive a stop or kill -9 (a power cut may lose the last writes)`;
}
