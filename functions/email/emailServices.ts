import { TaskpipeError } from '../core/errors.js';
import type { MailTransport, SentLedger } from './ports.js';

/** Where `email.send` sends, and where it records what it sent. */
export interface EmailServices {
  transport: MailTransport;
  ledger: SentLedger;
}

/** `email.send` ran in a runtime that set up no email services. Retrying cannot fix it. */
export class EmailNotConfiguredError extends TaskpipeError {
  readonly code = 'config';
  readonly retryable = false;

  constructor() {
    super(
      'email is not set up in this runtime: the consumer entry point (or the local runtime) installs it with installEmailServices()',
    );
  }
}

// A global symbol, not a module variable: the local runtime reloads task types in a fresh
// module graph, and the reloaded email.send must still find what the runtime installed.
const SLOT = Symbol.for('taskpipe.emailServices');
const slots = globalThis as { [SLOT]?: EmailServices };

/** Installs the services `email.send` uses (an entry point does this once); undefined removes them. */
export function installEmailServices(services: EmailServices | undefined): void {
  if (services) slots[SLOT] = services;
  else delete slots[SLOT];
}

/** The installed services. @throws EmailNotConfiguredError when none are. */
export function emailServices(): EmailServices {
  const services = slots[SLOT];
  if (!services) throw new EmailNotConfiguredError();
  return services;
}
