import { Duration } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ApiAuthorization, PipelineConfig } from '../../definition/index.js';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import { jsonAccessLogFormat } from './accessLogFormat.js';
import { apiEnvironment } from './apiEnvironment.js';
import { ALARM_TOPIC_ENV, PIPELINE_NAME_ENV } from './consumerEnvironment.js';
import { checkEnvironmentSize, longestTopicArn } from './environmentSize.js';
import {
  acknowledgeTracing,
  bundledFunctionProps,
  functionRoleAndLogs,
  grantPublishOnly,
  grantSendOnly,
  tracingProps,
} from './functionDefaults.js';
import type { PipelineStorage } from './PipelineStorage.js';
import { DEFAULT_API_ENTRY } from './paths.js';

/** The routes functions/api serves, all to the one api function. */
export const API_ROUTES: readonly { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.POST, path: '/tasks' },
  { method: HttpMethod.POST, path: '/tasks/batch' },
  { method: HttpMethod.GET, path: '/tasks' },
  { method: HttpMethod.GET, path: '/tasks/by-key' },
  { method: HttpMethod.GET, path: '/tasks/{id}' },
  { method: HttpMethod.POST, path: '/tasks/{id}/retry' },
  { method: HttpMethod.POST, path: '/tasks/{id}/cancel' },
  // Flow control: type pauses and breakers (a queue pause is refused: see docs/pause-and-breakers.md).
  { method: HttpMethod.GET, path: '/flow' },
  { method: HttpMethod.POST, path: '/flow/pauses' },
  { method: HttpMethod.DELETE, path: '/flow/pauses/{scope}/{name}' },
  { method: HttpMethod.POST, path: '/flow/breakers/{key}/open' },
  { method: HttpMethod.POST, path: '/flow/breakers/{key}/close' },
  // Groups: create (sealed, or open for more), add members, seal, progress (docs/workflows.md).
  { method: HttpMethod.POST, path: '/groups' },
  { method: HttpMethod.POST, path: '/groups/{id}/tasks' },
  { method: HttpMethod.POST, path: '/groups/{id}/seal' },
  { method: HttpMethod.GET, path: '/groups/{id}' },
];

export interface TaskApiProps {
  /** The validated, resolved pipeline definition; its `api` section configures this API. */
  readonly config: PipelineConfig;
  /** The table and queues the API reads and enqueues to. */
  readonly storage: PipelineStorage;
  /**
   * The api function's entry file, exporting `handler`.
   * @default functions/api/handler.ts in this repository
   */
  readonly entry?: string;
}

/**
 * The HTTP API (DESIGN §1): an API Gateway HTTP API whose routes all need IAM (or, when
 * the definition says so, JWT) authorization, a throttled `$default` stage with JSON
 * access logs, and the api Lambda with only the table and queue permissions it uses.
 */
export class TaskApi extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  /** The function's log group. */
  readonly logGroup: LogGroup;
  readonly httpApi: HttpApi;
  /** The `$default` stage: throttled, access-logged, deployed on every change. */
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** One route per entry of {@link API_ROUTES}, in that order. */
  readonly routes: HttpRoute[];
  readonly #config: PipelineConfig;
  readonly #longestEnv: Record<string, string>;
  readonly #queueCount: number;

  constructor(scope: Construct, id: string, props: TaskApiProps) {
    super(scope, id);
    const { config, storage } = props;
    const { api } = config;
    this.#config = config;
    this.#longestEnv = apiEnvironment(this, config, storage, 'longest');
    this.#queueCount = storage.queues.length;
    checkEnvironmentSize('api', this.#longestEnv, this.#queueCount);
    const logs = functionRoleAndLogs(this, api.logRetentionDays);
    this.role = logs.role;
    this.logGroup = logs.logGroup;
    this.function = new LambdaFunction(this, 'Function', {
      ...bundledFunctionProps(props.entry ?? DEFAULT_API_ENTRY),
      memorySize: api.memoryMb,
      timeout: Duration.seconds(api.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      ...tracingProps(config.tracing),
      environment: apiEnvironment(this, config, storage),
    });
    acknowledgeTracing(this.function, config.tracing);
    this.grantTaskAccess(storage, config.table.typeIndex);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: config.name,
      description: `${config.name}: enqueue, list, inspect, retry and cancel tasks`,
      createDefaultStage: false,
      defaultAuthorizer: authorizerFor(api.authorization),
    });
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: api.accessLogRetentionDays as RetentionDays,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: api.throttling.rateLimit, burstLimit: api.throttling.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: jsonAccessLogFormat(),
      },
    });
    const integration = new HttpLambdaIntegration('Handler', this.function);
    this.routes = API_ROUTES.flatMap((route) =>
      this.httpApi.addRoutes({ path: route.path, methods: [route.method], integration }),
    );
  }

  /**
   * Lets the API tell the alarm targets of the breakers an operator opens or closes through
   * it (docs/pause-and-breakers.md), as the consumer tells of its own: `sns:Publish` on
   * `topic` and the data-key calls of its encryption, nothing else. The topic's ARN and the
   * pipeline's name go in the environment.
   *
   * @throws ConfigError when the environment, names at their longest, would pass 4 KB.
   */
  announceBreakersTo(topic: Topic): void {
    const pipeline = { [PIPELINE_NAME_ENV]: this.#config.name };
    checkEnvironmentSize(
      'api',
      { ...this.#longestEnv, ...pipeline, [ALARM_TOPIC_ENV]: longestTopicArn(topic) },
      this.#queueCount,
    );
    grantPublishOnly(topic, this.function);
    this.function.addEnvironment(ALARM_TOPIC_ENV, topic.topicArn);
    this.function.addEnvironment(PIPELINE_NAME_ENV, this.#config.name);
  }

  /** The API's base URL (the `$default` stage), ending in `/`. */
  get url(): string {
    return this.stage.url;
  }

  private grantTaskAccess(storage: PipelineStorage, typeIndex: boolean): void {
    const table = storage.taskTable.table;
    // Items on the base table: create (and undo a failed send), read, update for retry and
    // cancel, and the Scan behind unfiltered listings. BatchGetItem reads a group's leaves
    // for its progress (docs/workflows.md).
    TableGrants.fromTable(table, undefined, false).actions(
      this.function,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    );
    // Listing queries the sparse failure indexes (and the opt-in type index), and only
    // those. TableGrants can grant on every index (index/*) but not on one, so the grant
    // names them.
    const indexes: string[] = [TASK_TABLE.failureIndex.name, TASK_TABLE.allFailuresIndex.name];
    if (typeIndex) indexes.push(TASK_TABLE.typeIndex.name);
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:Query'],
      resourceArns: indexes.map((name) => `${table.tableArn}/index/${name}`),
    });
    // New and retried tasks go to their priority's queue, never to a DLQ.
    for (const q of storage.queues) grantSendOnly(q.queue, this.function);
  }
}

/** Every route gets this authorizer; there is no unauthenticated route. */
function authorizerFor(authorization: ApiAuthorization): IHttpRouteAuthorizer {
  if (authorization.type === 'jwt') {
    return new HttpJwtAuthorizer('JwtAuthorizer', authorization.issuer, {
      jwtAudience: authorization.audience,
    });
  }
  return new HttpIamAuthorizer();
}
