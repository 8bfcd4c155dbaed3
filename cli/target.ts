import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parsePipelineDefinition } from '../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../definition/pipeline.js';
import { DynamoDedupWindowStore } from '../functions/adapters/dynamodb/DynamoDedupWindowStore.js';
import { DynamoFlowStore } from '../functions/adapters/dynamodb/DynamoFlowStore.js';
import { DynamoGroupStore } from '../functions/adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import { breakerAnnouncements } from '../functions/core/flow/breakerAnnouncements.js';
import { FlowAdmin, type QueueSwitch } from '../functions/core/flow/FlowAdmin.js';
import type { NoticePublisher } from '../functions/core/flow/ports.js';
import { type Logger, type QueueRoute, systemClock } from '../functions/core/ports.js';
import { createRegistry, type TaskRegistry } from '../functions/core/registry.js';
import { TaskService } from '../functions/core/service/TaskService.js';
import { GroupService } from '../functions/core/workflow/GroupService.js';
import { registry as appRegistry } from '../functions/tasks/index.js';
import { localNoticePublisher } from '../local/alarms/localNotices.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClients } from '../local/clients.js';
import type { LocalPipelineInfo } from '../local/LocalPipeline.js';
import { LOCAL_STATE_FILE, readLocalState } from '../local/stateFile.js';
import { networkErrorCode, UnreachableError } from './errors.js';

/** Options every command takes (set before or after the command name). */
export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  stack?: string;
  region?: string;
  stateFile?: string;
}

/** Where the CLI works: clients, the queues by priority, the table, and the task service. */
export interface Target {
  kind: 'local' | 'stack';
  /** Names the target in messages: its endpoints or its stack. */
  where: string;
  region: string;
  tableName: string;
  routes: QueueRoute[];
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  store: DynamoTaskStore;
  queue: SqsQueue;
  /** The operations behind the HTTP API, run here against the same table and queues. */
  service: TaskService;
  /** The operations behind the `/groups` routes. */
  groups: GroupService;
  registry: TaskRegistry;
  /** Pauses and breakers: the operations behind the `/flow` routes. */
  flow: FlowAdmin;
  close(): void;
}

const PROBE_TIMEOUT_MS = 3_000;

/** The state file to read: `--state-file`, then `TASKPIPE_STATE_FILE`, then `.taskpipe/local.json`. */
export function stateFilePath(options: GlobalOptions): string {
  return options.stateFile ?? process.env.TASKPIPE_STATE_FILE ?? LOCAL_STATE_FILE;
}

/** The local runtime by default; a deployed stack with `--stack`. */
export async function resolveTarget(options: GlobalOptions): Promise<Target> {
  if (options.stack) return openStack(options.stack, options.region, logger(options));
  const file = stateFilePath(options);
  const info = await readState(file);
  if (!info) {
    throw new UnreachableError(
      `no local runtime: ${file} does not exist; run \`npm start\` first (or pass --stack NAME)`,
    );
  }
  const target = openLocal(info, logger(options));
  await probe(target, info, file);
  return target;
}

/** A target over a local pipeline's endpoints (from its state file, or one started here). */
export function openLocal(info: LocalPipelineInfo, log: Logger = silentLogger): Target {
  const clients = localClients({ sqs: info.sqsEndpoint, dynamodb: info.dynamodbEndpoint });
  // The runtime's alarm topic, when its alarms run: breakers moved here are announced there.
  const sns = info.alarmTopicArn
    ? new SNSClient({
        region: LOCAL_REGION,
        endpoint: info.sqsEndpoint,
        credentials: { ...LOCAL_CREDENTIALS },
      })
    : undefined;
  const notices =
    sns && info.alarmTopicArn ? localNoticePublisher(sns, info.alarmTopicArn) : undefined;
  const target = build({
    kind: 'local',
    where: `the local runtime (SQS ${info.sqsEndpoint}, DynamoDB ${info.dynamodbEndpoint})`,
    region: info.region,
    tableName: info.tableName,
    routes: info.queues,
    ...clients,
    log,
    ...(info.taskTypes ? { taskTypes: info.taskTypes } : {}),
    ...(notices ? { notices } : {}),
  });
  const close = target.close;
  target.close = () => {
    close();
    sns?.destroy();
  };
  return target;
}

async function openStack(stack: string, region: string | undefined, log: Logger) {
  // The CloudFormation client is loaded only for a stack.
  const { readStackResources } = await import('./stackOutputs.js');
  const resources = await readStackResources(stack, region);
  const common = { region: resources.region };
  // On AWS a queue pauses by its event source mapping, changed with the caller's credentials.
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  const { EventSourceSwitch } = await import('../functions/adapters/lambda/EventSourceSwitch.js');
  const lambda = new LambdaClient(common);
  // Breakers moved by hand are announced on the stateless stack's alarm topic, found on
  // the first move: other commands make no request for it.
  const { stackNoticePublisher } = await import('./stackNotices.js');
  const notices = stackNoticePublisher(stack, {
    cloudFormation: async () => {
      const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
      return new CloudFormationClient(common);
    },
    sns: async () => new SNSClient(common),
  });
  // An endpoint set for SQS (a VPC endpoint, say) is meant: don't let queue URLs override it.
  const sqs = new SQSClient({
    ...common,
    ...(process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL
      ? { useQueueUrlAsEndpoint: false }
      : {}),
  });
  const target = build({
    kind: 'stack',
    where: `stack ${stack} (${resources.region})`,
    region: resources.region,
    tableName: resources.tableName,
    routes: resources.routes,
    sqs,
    dynamodb: new DynamoDBClient(common),
    log,
    queueSwitch: new EventSourceSwitch({ lambda, sqs }),
    notices,
  });
  const close = target.close;
  target.close = () => {
    close();
    lambda.destroy();
    notices.close();
  };
  return target;
}

function build(
  parts: Omit<Target, 'store' | 'queue' | 'service' | 'groups' | 'registry' | 'flow' | 'close'> & {
    log: Logger;
    /** How a queue pauses; locally the runtime stops its poller when it sees the pause. */
    queueSwitch?: QueueSwitch;
    /** The types the running pipeline knows, when it says (a local runtime does). */
    taskTypes?: readonly string[];
    /** Where the breakers an operator moves are announced (the local alarm topic). */
    notices?: NoticePublisher;
  },
): Target {
  const { log, taskTypes, queueSwitch, notices, ...rest } = parts;
  // The same definition the stack and the local runtime are built from: rows the CLI
  // writes expire, and payloads are limited, exactly as the API's.
  const config = parsePipelineDefinition(pipelineDefinition, appRegistry);
  // A type added to the code after the runtime started is unknown to its consumer: it is
  // refused here, with the runtime's list, instead of becoming a poison message.
  const registry: TaskRegistry = taskTypes
    ? createRegistry(appRegistry.definitions.filter((d) => taskTypes.includes(d.type)))
    : appRegistry;
  const store = new DynamoTaskStore({
    client: parts.dynamodb,
    tableName: parts.tableName,
    retentionDays: config.table.retentionDays,
    typeIndex: config.table.typeIndex,
  });
  const queue = new SqsQueue(parts.sqs);
  // On AWS a callback names its secret, under the prefix the consumer may read (the stack's
  // grant); locally the development key signs it.
  const callbacks =
    parts.kind === 'stack'
      ? { callbackSecretRequired: true, callbackSecretPrefix: `${config.name}/callbacks/` }
      : { callbackSecretRequired: false };
  const service = new TaskService({
    registry,
    store,
    queue,
    routes: parts.routes,
    logger: log,
    maxPayloadBytes: config.api.maxPayloadBytes,
    dedupWindows: new DynamoDedupWindowStore(parts.dynamodb, parts.tableName),
    retentionDays: config.table.retentionDays,
    ...callbacks,
  });
  const groups = new GroupService({
    registry,
    store,
    queue,
    routes: parts.routes,
    logger: log,
    clock: systemClock,
    maxPayloadBytes: config.api.maxPayloadBytes,
    ...callbacks,
    groups: new DynamoGroupStore({
      client: parts.dynamodb,
      tableName: parts.tableName,
      retentionDays: config.table.retentionDays,
    }),
  });
  return {
    ...rest,
    store,
    queue,
    service,
    groups,
    registry,
    flow: new FlowAdmin({
      store: new DynamoFlowStore({ client: parts.dynamodb, tableName: parts.tableName }),
      clock: systemClock,
      routes: parts.routes,
      registry,
      queueSwitch: queueSwitch ?? 'watched',
      ...(notices
        ? {
            events: breakerAnnouncements({
              pipeline: config.name,
              logger: failuresShown(log),
              notices,
            }),
          }
        : {}),
    }),
    close() {
      parts.sqs.destroy();
      parts.dynamodb.destroy();
    },
  };
}

async function readState(file: string): Promise<LocalPipelineInfo | undefined> {
  try {
    const info = await readLocalState(file);
    if (info && (!info.sqsEndpoint || !info.dynamodbEndpoint || !Array.isArray(info.queues))) {
      throw new Error('it lacks the endpoints or queues');
    }
    return info;
  } catch (error) {
    throw new UnreachableError(
      `the local state file ${file} is unreadable (${(error as Error).message}); restart \`npm start\` to rewrite it`,
      { cause: error },
    );
  }
}

/** One cheap call to each emulator, so a stale state file fails fast with the endpoint named. */
async function probe(target: Target, info: LocalPipelineInfo, file: string): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    [
      `DynamoDB at ${info.dynamodbEndpoint}`,
      () =>
        target.dynamodb.send(new DescribeTableCommand({ TableName: info.tableName }), {
          abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        }),
    ],
    [
      `SQS at ${info.sqsEndpoint}`,
      () =>
        target.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: info.queues[0]?.url,
            AttributeNames: ['QueueArn'],
          }),
          { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) },
        ),
    ],
  ];
  for (const [what, call] of calls) {
    try {
      await call();
    } catch (error) {
      target.close();
      const code = networkErrorCode(error) ?? (error as Error).name;
      throw new UnreachableError(
        `the local runtime does not answer: ${what} (${code}, from ${file}); run \`npm start\``,
        { cause: error },
      );
    }
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `log`, with its errors shown even without --verbose: a breaker notice that could not be
 * published leaves the move in force but unannounced, and the operator should know.
 */
function failuresShown(log: Logger): Logger {
  if (log !== silentLogger) return log;
  return {
    ...log,
    error(message, fields) {
      const cause = fields?.error instanceof Error ? `: ${fields.error.message}` : '';
      process.stderr.write(`warning: ${message}${cause}\n`);
    },
  };
}

function logger(options: GlobalOptions): Logger {
  if (!options.verbose) return silentLogger;
  const write =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      process.stderr.write(
        `${JSON.stringify({ level, message, ...Object.assign({}, ...extra) })}\n`,
      );
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
