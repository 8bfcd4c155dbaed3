import type { LocalPipelineInfo } from './LocalPipeline.js';
import { storageNotice } from './persistence/storageNotice.js';

/** The block `npm start` prints: everything needed to talk to the local pipeline. */
export function banner(info: LocalPipelineInfo, stateFile: string): string {
  const width = Math.max(...info.queues.map((q) => q.priority.length));
  const queues = info.queues.map(
    (q) => `    ${q.priority.padEnd(width)}  ${q.url}\n    ${''.padEnd(width)}  dlq: ${q.dlqUrl}`,
  );
  const example = info.queues.find((q) => q.priority === 'default') ?? info.queues[0];
  return [
    '',
    'taskpipe is running locally',
    '',
    `  HTTP API   ${info.apiUrl ?? '(not started)'}`,
    ...(info.consoleUrl
      ? [
          `  Console    ${info.consoleUrl}   (operator console${info.consoleReadOnly ? ', read-only' : ''})`,
        ]
      : []),
    ...(info.consoleUrl
      ? [`  Metrics    ${new URL('metrics', info.consoleUrl)}   (Prometheus)`]
      : []),
    `  SQS        ${info.sqsEndpoint}   (region ${info.region}, any access key)`,
    ...queues,
    `  DynamoDB   ${info.dynamodbEndpoint}   table ${info.tableName}`,
    `  Data       ${storageNotice(info.dataDir)}`,
    '',
    '  Try it:',
    `    curl -s -X POST ${info.apiUrl ?? 'http://127.0.0.1:3000'}/tasks -H 'content-type: application/json' \\`,
    `      -d '{"type":"noop","payload":{}}'`,
    `    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --region ${info.region} \\`,
    `      --endpoint-url ${info.sqsEndpoint} sqs send-message --queue-url ${example?.url} \\`,
    `      --message-body '{"v":1,"id":"hello-1","type":"noop","payload":{},"priority":"${example?.priority}","enqueuedAt":"${new Date().toISOString()}"}'`,
    '    npx taskpipe status hello-1',
    '',
    `  Written to ${stateFile} for the CLI. Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}
