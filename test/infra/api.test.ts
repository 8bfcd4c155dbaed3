import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowRoutes } from '../../functions/api/flowRoutes.js';
import { groupRoutes } from '../../functions/api/groupRoutes.js';
import { taskRoutes } from '../../functions/api/routes.js';
import type { FlowAdmin } from '../../functions/core/flow/FlowAdmin.js';
import type { TaskService } from '../../functions/core/service/TaskService.js';
import type { GroupService } from '../../functions/core/workflow/GroupService.js';
import { ACCESS_LOG_FIELDS, type TaskpipeStatelessStack } from '../../infra/index.js';
import { logicalId, synthTaskpipe, testDefinition } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

/** The task, flow-control and group routes. */
const API_ROUTE_COUNT = 16;

let template: Template;
let stack: TaskpipeStatelessStack;

beforeAll(() => {
  const synth = synthTaskpipe();
  template = synth.statelessTemplate;
  stack = synth.stateless;
});

const resources = (t: Template, type: string): Json[] => Object.values(t.findResources(type));
const props = (construct: Parameters<typeof logicalId>[0]) =>
  template.toJSON().Resources[logicalId(construct)].Properties as Json;
const getArn = (construct: Parameters<typeof logicalId>[0]) => ({
  'Fn::GetAtt': [logicalId(construct), 'Arn'],
});

describe('routes', () => {
  it('are the routes functions/api serves, all to the api function', () => {
    const served = [
      ...taskRoutes({} as TaskService, 1_024),
      ...flowRoutes({} as FlowAdmin),
      ...groupRoutes({} as GroupService),
    ].map((r) => `${r.method} ${r.path}`);
    const routes = resources(template, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(served.sort());
    const [integration] = resources(template, 'AWS::ApiGatewayV2::Integration');
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    expect(integration?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: getArn(stack.pipeline.api.function),
      PayloadFormatVersion: '2.0',
    });
  });

  it('all need IAM (SigV4) authorization by default', () => {
    const routes = resources(template, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(API_ROUTE_COUNT);
    for (const route of routes) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('AWS_IAM');
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('can be invoked by this API only, route by route', () => {
    const api = logicalId(stack.pipeline.api.httpApi);
    const permissions = resources(template, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(API_ROUTE_COUNT);
    for (const { Properties: p } of permissions) {
      expect(p).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: getArn(stack.pipeline.api.function),
      });
      expect(JSON.stringify(p.SourceArn)).toContain(JSON.stringify({ Ref: api }));
    }
  });
});

describe('$default stage', () => {
  const stage = () => props(stack.pipeline.api.stage);

  it('deploys every change and throttles every route', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    expect(stage()).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('writes one JSON access log line per request to a log group with a retention', () => {
    const { DestinationArn, Format } = stage().AccessLogSettings;
    expect(DestinationArn).toEqual(getArn(stack.pipeline.api.accessLogGroup));
    expect(props(stack.pipeline.api.accessLogGroup)).toEqual({ RetentionInDays: 30 });
    const fields = JSON.parse(Format);
    expect(fields).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining([
        'requestId',
        'ip',
        'requestTime',
        'httpMethod',
        'routeKey',
        'status',
        'protocol',
        'responseLength',
        'integrationError',
        'authorizerError',
        'userArn',
      ]),
    );
    for (const value of Object.values(fields)) expect(value).toMatch(/^\$context\.[a-zA-Z.]+$/);
  });
});

describe('JWT authorization and other stage settings from the definition', () => {
  const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example';
  let jwt: Template;
  let jwtStack: TaskpipeStatelessStack;

  beforeAll(() => {
    const synth = synthTaskpipe({
      definition: {
        ...testDefinition,
        api: {
          authorization: { type: 'jwt', issuer, audience: ['client-a', 'client-b'] },
          throttling: { rateLimit: 5, burstLimit: 10 },
          accessLogRetentionDays: 7,
          maxPayloadBytes: 65_536,
        },
      },
    });
    jwt = synth.statelessTemplate;
    jwtStack = synth.stateless;
  });

  it('put every route behind the one JWT authorizer', () => {
    const authorizers = jwt.findResources('AWS::ApiGatewayV2::Authorizer');
    const [id, authorizer] = Object.entries(authorizers)[0] ?? [];
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer, Audience: ['client-a', 'client-b'] },
    });
    const routes = resources(jwt, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(API_ROUTE_COUNT);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: id },
      });
    }
  });

  it('throttle, keep access logs and limit payloads as configured', () => {
    const api = jwtStack.pipeline.api;
    const resourcesById = jwt.toJSON().Resources;
    expect(resourcesById[logicalId(api.stage)].Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
    expect(resourcesById[logicalId(api.accessLogGroup)].Properties).toEqual({
      RetentionInDays: 7,
    });
    const env = resourcesById[logicalId(api.function)].Properties.Environment.Variables;
    expect(env.TASKPIPE_MAX_PAYLOAD_BYTES).toBe('65536');
  });
});
