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
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ApiAuthorization, PipelineConfig } from '../../definition/index.js';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import { jsonAccessLogFormat } from './accessLogFormat.js';
import { apiEnvironment } from './apiEnvironment.js';
import { checkEnvironmentSize } from './environmentSize.js';
import {
  acknowledgeTracing,
  bundledFunctionProps,
  functionRoleAndLogs,
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
  { method: HttpMethod.GET, path: '/tasks/{id}' },
  { method: HttpMethod.POST, path: '/tasks/{id}/retry' },
  { method: HttpMethod.POST, path: '/tasks/{id}/cancel' },
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
  readonly function: NodejsFunction;
  readonly role: Role;
  /** The function's log group. */
  readonly logGroup: LogGroup;
  readonly httpApi: HttpApi;
  /** The `$default` stage: throttled, access-logged, deployed on every change. */
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** One route per entry of {@link API_ROUTES}, in that order. */
  readonly routes: HttpRoute[];

  constructor(scope: Construct, id: string, props: TaskApiProps) {
    super(scope, id);
    const { config, storage } = props;
    const { api } = config;
    checkEnvironmentSize(
      'api',
      apiEnvironment(this, config, storage, 'longest'),
      storage.queues.length,
    );
    const logs = functionRoleAndLogs(this, api.logRetentionDays);
    this.role = logs.role;
    this.logGroup = logs.logGroup;
    this.function = new NodejsFunction(this, 'Function', {
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
