import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * One JSON object per request. Every value is quoted: API Gateway writes `-` for a
 * variable with no value, which would break unquoted JSON numbers.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  // Who called: the IAM caller for SigV4 requests, the token subject for JWTs.
  userArn: '$context.identity.userArn',
  caller: '$context.identity.caller',
  principalId: '$context.authorizer.principalId',
  subject: '$context.authorizer.claims.sub',
} as const;

/** The stage's access log format: {@link ACCESS_LOG_FIELDS} as one line of JSON. */
export function jsonAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS));
}
