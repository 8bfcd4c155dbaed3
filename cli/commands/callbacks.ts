import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readLocalState } from '../../local/stateFile.js';
import { runCommand } from '../context.js';
import { UnreachableError } from '../errors.js';
import { stateFilePath } from '../target.js';

/** `taskpipe callbacks key`: the local runtime's development key that signs callbacks. */
export function registerCallbacks(program: Command): void {
  const callbacks = program
    .command('callbacks')
    .description('signed callbacks (docs/callbacks.md)');
  callbacks
    .command('key')
    .description(
      'print the local runtime’s development key that signs callbacks (on AWS, the key is your Secrets Manager secret)',
    )
    .action((_opts: unknown, command: Command) =>
      runCommand(command, async (ctx) => {
        if (ctx.options.stack) {
          throw new UnreachableError(
            'a stack signs callbacks with the Secrets Manager secret each callback names: read it there',
          );
        }
        const file = stateFilePath(ctx.options);
        const info = await readLocalState(file);
        if (!info?.callbackKeyFile) {
          throw new UnreachableError(
            `no local runtime with a callback key: ${file} does not name one; run \`npm start\` first`,
          );
        }
        const { key } = JSON.parse(await readFile(info.callbackKeyFile, 'utf8')) as { key: string };
        ctx.out.result({ key }, () => key);
      }),
    );
}
