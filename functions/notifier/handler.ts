import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context, SNSEvent } from 'aws-lambda';
import { SecretsManagerProvider } from '../adapters/secrets/SecretsManagerProvider.js';
import { SesMailTransport } from '../adapters/ses/SesMailTransport.js';
import { parseNotifierConfig } from './config.js';
import { Notifier } from './Notifier.js';

// Lambda entry point: parse config and build clients once per cold start, then delegate.
// Invoked asynchronously by SNS: a throw sends the event through Lambda's retries and then
// to the on-failure destination.
const config = parseNotifierConfig(process.env);
const logger = new Logger({ serviceName: config.serviceName });

const notifier = new Notifier({
  targets: config.targets,
  secrets: new SecretsManagerProvider({
    client: new SecretsManagerClient({}),
    ttlMs: config.secretCacheTtlMs,
  }),
  // Email targets are sent through SES v2, with the role's grant on the sender identity.
  ...(config.targets.some((t) => t.kind === 'email')
    ? { mail: new SesMailTransport(new SESv2Client({})) }
    : {}),
  logger,
  delivery: { timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts },
});

export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  await notifier.handle(event, { remainingTimeMs: context.getRemainingTimeInMillis() });
};
