import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DynamoTaskStore } from '../adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../adapters/sqs/SqsQueue.js';
import { TaskService } from '../core/service/TaskService.js';
import { registry } from '../tasks/index.js';
import { parseApiConfig } from './config.js';
import { createApi } from './createApi.js';

// Lambda entry point: parse config and build clients once per cold start, then delegate.
const config = parseApiConfig(process.env);
const logger = new Logger({ serviceName: config.serviceName });

const api = createApi({
  logger,
  maxPayloadBytes: config.maxPayloadBytes,
  service: new TaskService({
    registry,
    logger,
    routes: config.queues,
    maxPayloadBytes: config.maxPayloadBytes,
    store: new DynamoTaskStore({
      client: new DynamoDBClient({}),
      tableName: config.tableName,
      retentionDays: config.retentionDays,
    }),
    // The queues are in this function's region: send to the configured endpoint (which
    // AWS_ENDPOINT_URL_SQS may set, as for a VPC endpoint or an emulator), not the URL's host.
    queue: new SqsQueue(new SQSClient({ useQueueUrlAsEndpoint: false })),
  }),
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  logger.addContext(context);
  return api(event);
};
