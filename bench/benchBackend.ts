import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { QueueRoute } from '../functions/core/ports.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/clients.js';
import { type LocalEmulators, startLocalEmulators } from '../local/emulators.js';
import { createTaskTable } from '../local/resources.js';
import { RequestCounter, type Role } from './RequestCounter.js';

/** Clients for one measured run: each role gets its own, all counted by one counter. */
export interface RoleClients {
  counter: RequestCounter;
  producer: { sqs: SQSClient; dynamodb: DynamoDBClient };
  consumer: { sqs: SQSClient; dynamodb: DynamoDBClient };
  esm: { sqs: SQSClient };
  destroy(): void;
}

export interface BenchQueue extends QueueRoute {
  arn: string;
}

/** The emulators (loopback, random ports) and the resources every part of the bench shares. */
export class BenchBackend {
  private constructor(
    private readonly emulators: LocalEmulators,
    readonly admin: { sqs: SQSClient; dynamodb: DynamoDBClient },
  ) {}

  static async start(): Promise<BenchBackend> {
    const emulators = await startLocalEmulators({ sqs: 0, dynamodb: 0 });
    const backend = new BenchBackend(emulators, {
      sqs: sqsClient(emulators),
      dynamodb: ddbClient(emulators),
    });
    return backend;
  }

  /** A fresh task table (production key schema) and Powertools idempotency table. */
  async tables(prefix: string): Promise<{ tableName: string; idempotencyTable: string }> {
    const tableName = `${prefix}-tasks`;
    const idempotencyTable = `${prefix}-idempotency`;
    await createTaskTable(this.admin.dynamodb, tableName);
    await this.admin.dynamodb.send(
      new CreateTableCommand({
        TableName: idempotencyTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    return { tableName, idempotencyTable };
  }

  async dropTables(...names: string[]): Promise<void> {
    // dynalite keeps tables in memory: dropping them keeps later parts from slowing down.
    for (const TableName of names)
      await this.admin.dynamodb.send(new DeleteTableCommand({ TableName }));
  }

  /** A standard queue with its DLQ. */
  async queue(name: string): Promise<BenchQueue> {
    const dlq = await this.createQueue(`${name}-dlq`, {});
    const q = await this.createQueue(name, {
      VisibilityTimeout: '360',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 10 }),
    });
    return { priority: 'default', name, url: q.url, arn: q.arn, dlqUrl: dlq.url, fifo: false };
  }

  /** New clients per role, counted. */
  roleClients(): RoleClients {
    const counter = new RequestCounter();
    const make = <C extends SQSClient | DynamoDBClient>(client: C, role: Role): C => {
      counter.attach(client, role);
      return client;
    };
    const e = this.emulators;
    const all = {
      producer: { sqs: make(sqsClient(e), 'producer'), dynamodb: make(ddbClient(e), 'producer') },
      consumer: { sqs: make(sqsClient(e), 'consumer'), dynamodb: make(ddbClient(e), 'consumer') },
      esm: { sqs: make(sqsClient(e), 'esm') },
    };
    return {
      counter,
      ...all,
      destroy: () => {
        for (const c of [all.producer, all.consumer, all.esm]) {
          for (const client of Object.values(c)) client.destroy();
        }
      },
    };
  }

  get endpoints(): { sqs: string; dynamodb: string } {
    return { sqs: this.emulators.sqsEndpoint, dynamodb: this.emulators.dynamodbEndpoint };
  }

  async stop(): Promise<void> {
    this.admin.sqs.destroy();
    this.admin.dynamodb.destroy();
    await this.emulators.stop();
  }

  private async createQueue(name: string, attributes: Record<string, string>) {
    const { QueueUrl } = await this.admin.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
    const { Attributes } = await this.admin.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes?.QueueArn) throw new Error(`queue ${name} has no QueueArn`);
    return { url: QueueUrl, arn: Attributes.QueueArn };
  }
}

const common = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
const sqsClient = (e: LocalEmulators) => new SQSClient({ ...common, endpoint: e.sqsEndpoint });
const ddbClient = (e: LocalEmulators) =>
  new DynamoDBClient({ ...common, endpoint: e.dynamodbEndpoint });
