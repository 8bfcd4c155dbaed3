import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DynamoDedupWindowStore } from '../adapters/dynamodb/DynamoDedupWindowStore.js';
import { DynamoFlowStore } from '../adapters/dynamodb/DynamoFlowStore.js';
import { DynamoGroupStore } from '../adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../adapters/dynamodb/DynamoTaskStore.js';
import { EventBridgeScheduler } from '../adapters/scheduler/EventBridgeScheduler.js';
import { lazySnsNotices } from '../adapters/sns/lazySnsNotices.js';
import { SqsQueue } from '../adapters/sqs/SqsQueue.js';
import { breakerAnnouncements } from '../core/flow/breakerAnnouncements.js';
import { FlowAdmin } from '../core/flow/FlowAdmin.js';
import { systemClock } from '../core/ports.js';
import { TaskService } from '../core/service/TaskService.js';
import { tracedLogger } from '../core/trace/traceScope.js';
import { GroupService } from '../core/workflow/GroupService.js';
import { registry } from '../tasks/index.js';
import { parseApiConfig } from './config.js';
import { createApi } from './createApi.js';

// Lambda entry point: parse config and build clients once per cold start, then delegate.
const config = parseApiConfig(process.env);
const powertools = new Logger({ serviceName: config.serviceName });
// The services' lines name the request's trace too.
const logger = tracedLogger(powertools);

const dynamodb = new DynamoDBClient({});
const store = new DynamoTaskStore({
  client: dynamodb,
  tableName: config.tableName,
  retentionDays: config.retentionDays,
  typeIndex: config.typeIndex,
});
// The queues are in this function's region: send to the configured endpoint (which
// AWS_ENDPOINT_URL_SQS may set, as for a VPC endpoint or an emulator), not the URL's host.
const queue = new SqsQueue(new SQSClient({ useQueueUrlAsEndpoint: false }));
const common = { registry, logger, routes: config.queues, store, queue };
const scheduler = config.scheduler
  ? new EventBridgeScheduler({
      client: new SchedulerClient({}),
      groupName: config.scheduler.groupName,
      roleArn: config.scheduler.roleArn,
      queueArns: new Map(config.scheduler.queues.map((q) => [q.url, q.arn])),
      ...(config.scheduler.deadLetterArn ? { deadLetterArn: config.scheduler.deadLetterArn } : {}),
    })
  : undefined;
const api = createApi({
  logger,
  maxPayloadBytes: config.maxPayloadBytes,
  service: new TaskService({
    ...common,
    maxPayloadBytes: config.maxPayloadBytes,
    dedupWindows: new DynamoDedupWindowStore(dynamodb, config.tableName),
    retentionDays: config.retentionDays,
    ...(scheduler ? { scheduler } : {}),
    ...(config.callbackSecretPrefix ? { callbackSecretPrefix: config.callbackSecretPrefix } : {}),
  }),
  // No queue switch: the function may not change event source mappings (queue pauses are
  // the CLI's, with the operator's credentials); type pauses and breakers work here.
  flow: new FlowAdmin({
    store: new DynamoFlowStore({ client: dynamodb, tableName: config.tableName }),
    clock: systemClock,
    routes: config.queues,
    registry,
    // Breakers moved by hand are announced as the consumer's moves are; the SNS client is
    // loaded on the first notice, so other requests pay nothing for it.
    ...(config.alarmTopicArn
      ? {
          events: breakerAnnouncements({
            pipeline: config.pipelineName,
            logger,
            notices: lazySnsNotices(config.alarmTopicArn, config.logGroupName),
          }),
        }
      : {}),
  }),
  groups: new GroupService({
    ...common,
    maxPayloadBytes: config.maxPayloadBytes,
    ...(config.callbackSecretPrefix ? { callbackSecretPrefix: config.callbackSecretPrefix } : {}),
    clock: systemClock,
    groups: new DynamoGroupStore({
      client: dynamodb,
      tableName: config.tableName,
      retentionDays: config.retentionDays,
    }),
  }),
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  powertools.addContext(context);
  return api(event);
};
