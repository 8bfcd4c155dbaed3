import type { Command } from 'commander';
import { type OutboxMessage, readOutbox, readOutboxMessage } from '../../local/email/Outbox.js';
import { LOCAL_STATE_FILE, readLocalState } from '../../local/stateFile.js';
import { runCommand } from '../context.js';
import { NotFoundError, UnreachableError } from '../errors.js';
import { integer } from '../options.js';
import { keyValues, table } from '../output.js';
import type { GlobalOptions } from '../target.js';

interface OutboxOptions {
  dir?: string;
  limit: number;
}

async function outboxDir(opts: OutboxOptions, global: GlobalOptions): Promise<string> {
  if (opts.dir) return opts.dir;
  // As the other commands find it; target.ts is not loaded: it brings the SDK clients.
  const file = global.stateFile ?? process.env.TASKPIPE_STATE_FILE ?? LOCAL_STATE_FILE;
  const info = await readLocalState(file);
  if (!info?.outboxDir) {
    throw new UnreachableError(
      `no local runtime: ${file} names no outbox; run \`npm start\` first, or pass --dir DATA_DIR/outbox`,
    );
  }
  return info.outboxDir;
}

export function registerOutbox(program: Command): void {
  program
    .command('outbox')
    .description('list the emails the local runtime kept instead of sending, or show one')
    .argument('[id]', 'a message id from the list')
    .option('--dir <dir>', 'an outbox directory (a data dir keeps one in its outbox/)')
    .option('--limit <n>', 'at most this many messages (1–1000)', integer(1, 1000), 25)
    .action((id: string | undefined, opts: OutboxOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const dir = await outboxDir(opts, ctx.options);
        if (id === undefined) {
          const messages = readOutbox(dir, opts.limit);
          ctx.out.result(messages, () =>
            messages.length === 0
              ? 'the outbox is empty'
              : table(
                  ['id', 'sent', 'from', 'to', 'subject'],
                  messages.map((m) => [
                    m.id,
                    m.at,
                    m.from,
                    m.to.join(', '),
                    m.subject ?? `template ${m.template}`,
                  ]),
                ),
          );
          return;
        }
        const message = readOutboxMessage(dir, id);
        if (!message) throw new NotFoundError(`no message ${id} in the outbox (${dir})`);
        ctx.out.result(message, () => messageText(message));
      }),
    );
}

/** A message as a terminal shows it: headers, then the text part, else the HTML as source. */
export function messageText(m: OutboxMessage): string {
  const head = keyValues([
    ['id', m.id],
    ['sent', m.at],
    ['from', m.from],
    ['to', m.to.join(', ')],
    ['cc', m.cc.join(', ') || undefined],
    ['bcc', m.bcc.join(', ') || undefined],
    ['reply-to', m.replyTo.join(', ') || undefined],
    ['subject', m.subject],
    ['template', m.template && `${m.template.name} ${JSON.stringify(m.template.data)}`],
    [
      'attachments',
      m.attachments.map((a) => `${a.filename} (${a.bytes} bytes)`).join(', ') || undefined,
    ],
  ]);
  // Control characters could move the cursor or recolour the terminal: shown escaped.
  const body = [...(m.text ?? m.html ?? '')].map(visible).join('');
  return body ? `${head}\n\n${body}` : head;
}

function visible(char: string): string {
  const code = char.charCodeAt(0);
  const control = (code < 0x20 && char !== '\n' && char !== '\t') || (code >= 0x7f && code <= 0x9f);
  return control ? `\\u${code.toString(16).padStart(4, '0')}` : char;
}
