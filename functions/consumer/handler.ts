import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoGroupStore } from '../adapters/dynamodb/DynamoGroupStore.js';
import { DynamoSentLedger } from '../adapters/dynamodb/DynamoSentLedger.js';
import { DynamoTaskStore } from '../adapters/dynamodb/DynamoTaskStore.js';
import { PowertoolsTaskMetrics } from '../adapters/metrics/PowertoolsTaskMetrics.js';
import { SecretsManagerKeys } from '../adapters/secrets/SecretsManagerKeys.js';
import { lazySesTransport } from '../adapters/ses/lazySesTransport.js';
import { lazySnsNotices } from '../adapters/sns/lazySnsNotices.js';
import { SqsQueue } from '../adapters/sqs/SqsQueue.js';
import { breakerAnnouncements } from '../core/flow/breakerAnnouncements.js';
import { systemClock } from '../core/ports.js';
import { installEmailServices } from '../email/emailServices.js';
import { defaultRateLimits } from '../email/sendRate.js';
import { registry } from '../tasks/index.js';
import { parseConsumerConfig, parseNoticeConfig } from './config.js';
import { createConsumer } from './createConsumer.js';
import { flowControlGates } from './flowControlGates.js';

// Lambda entry point: parse config and build clients once per cold start, then delegate.
const config = parseConsumerConfig(process.env);
const notices = parseNoticeConfig(process.env);
const logger = new Logger({ serviceName: config.serviceName });

const dynamodb = new DynamoDBClient({});
const metrics = new PowertoolsTaskMetrics({
  namespace: config.metricsNamespace,
  serviceName: config.serviceName,
});
// email.send sends through SES and records each message id beside its task.
installEmailServices({
  transport: lazySesTransport(),
  ledger: new DynamoSentLedger({
    client: dynamodb,
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  }),
});
const consume = createConsumer({
  config,
  registry,
  logger,
  groups: new DynamoGroupStore({
    client: dynamodb,
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  }),
  store: new DynamoTaskStore({
    client: dynamodb,
    tableName: config.tableName,
    retentionDays: config.retentionDays,
    maxResultBytes: config.maxResultBytes,
  }),
  queue: new SqsQueue(new SQSClient({})),
  ...flowControlGates({
    client: dynamodb,
    tableName: config.tableName,
    retentionDays: config.retentionDays,
    clock: systemClock,
    logger,
    rateLimitDefaults: defaultRateLimits(config.emailMaxSendRate),
    breakerEvents: breakerAnnouncements({
      pipeline: config.serviceName,
      logger,
      metrics,
      ...(notices.alarmTopicArn
        ? { notices: lazySnsNotices(notices.alarmTopicArn, notices.logGroupName) }
        : {}),
    }),
  }),
  keys: new SecretsManagerKeys(),
  metrics,
});

export const handler: typeof consume = async (event, context) => {
  logger.addContext(context);
  return consume(event, context);
};
