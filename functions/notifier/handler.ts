import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SNSEvent } from 'aws-lambda';
import { SecretsManagerProvider } from '../adapters/secrets/SecretsManagerProvider.js';
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
  logger,
  delivery: { timeoutMs: config.timeoutMs, maxAttempts: config.maxAttempts },
});

export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  await notifier.handle(event, { remainingTimeMs: context.getRemainingTimeInMillis() });
};
