import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/esm/lambdaContext.js';
import { apiEvent } from '../helpers/apiEvents.js';
import type { Backend } from '../helpers/backends.js';
import {
  createPipeline,
  lambdaEnvironment,
  type Pipeline,
  receive,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { uniqueName } from '../helpers/resources.js';

type Handler = typeof import('../../functions/api/handler.js')['handler'];

// The Lambda entry point as deployed: configured only by environment, SDK endpoints included.
describeOnEachBackend('API Lambda entry point', (current) => {
  let backend: Backend;
  let p: Pipeline;
  let handler: Handler;
  /** A queue subscribed to the alarm topic: what the notifier would be given. */
  let alarmTap: string;

  beforeAll(async () => {
    backend = current();
    p = await createPipeline(backend);
    const sns = new SNSClient({
      region: backend.region,
      endpoint: backend.sqsEndpoint,
      credentials: { ...backend.credentials },
    });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('alarms') })))
      .TopicArn!;
    alarmTap = (await backend.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('tap') })))
      .QueueUrl!;
    const { Attributes } = await backend.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: alarmTap, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
    sns.destroy();
    Object.assign(process.env, {
      ...lambdaEnvironment(p),
      AWS_ENDPOINT_URL_SNS: backend.sqsEndpoint,
      TASKPIPE_MAX_PAYLOAD_BYTES: '4096',
      TASKPIPE_ALARM_TOPIC_ARN: topicArn,
      TASKPIPE_PIPELINE_NAME: 'shop',
    });
    // A fresh module per backend: the handler reads its environment once, at cold start.
    vi.resetModules();
    ({ handler } = await import('../../functions/api/handler.js'));
  });

  const context = () => lambdaContext('api', Date.now() + 30_000);

  it('enqueues an example task and shows its status', async () => {
    const post = apiEvent('POST', '/tasks', {
      body: { type: 'noop', payload: { sleepMs: 0 } },
      routeKey: 'POST /tasks',
      stage: 'v1',
    });

    const created = await handler(post, context());
    const { taskId, statusUrl } = JSON.parse(created.body ?? '{}');
    const status = await handler(
      apiEvent('GET', statusUrl.slice('/v1'.length), { stage: 'v1' }),
      context(),
    );

    expect(created.statusCode).toBe(202);
    expect(statusUrl).toBe(`/v1/tasks/${taskId}`);
    expect(JSON.parse(status.body ?? '{}')).toMatchObject({
      id: taskId,
      type: 'noop',
      status: 'QUEUED',
    });
    const [message] = await receive(backend.sqs, p.standard.url);
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ id: taskId, type: 'noop' });
  });

  it('applies TASKPIPE_MAX_PAYLOAD_BYTES', async () => {
    const event = apiEvent('POST', '/tasks', {
      body: { type: 'logs.summarize', payload: { lines: ['x'.repeat(5_000)] } },
    });

    const res = await handler(event, context());

    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body ?? '{}').error.message).toContain('the limit is 4096 bytes');
  });

  it('announces a breaker opened by hand on the alarm topic, naming the operator', async () => {
    const key = uniqueName('host:api');
    const open = apiEvent('POST', `/flow/breakers/${key}/open`, {
      body: { by: 'alice@example.com' },
    });

    const res = await handler(open, context());

    expect(res.statusCode, res.body).toBe(200);
    const notices = (await receive(backend.sqs, alarmTap)).map(
      (m) => JSON.parse((JSON.parse(m.Body ?? '{}') as { Message: string }).Message) as unknown,
    );
    expect(notices).toEqual([
      expect.objectContaining({
        source: 'taskpipe',
        kind: 'circuit-breaker',
        pipeline: 'shop',
        key,
        move: 'opened',
        by: 'alice@example.com',
      }),
    ]);
  });
});
