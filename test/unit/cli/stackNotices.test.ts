import {
  CloudFormationClient,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../cli/errors.js';
import { stackNoticePublisher } from '../../../cli/stackNotices.js';
import { closed, newBreaker, opened } from '../../../functions/core/flow/breaker.js';
import { breakerNoticeOf } from '../../../functions/core/flow/breakerNotice.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:TaskpipeStateless-AlarmTopic-ABC123';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const T0 = Date.parse('2026-11-27T10:00:00.000Z');

/** An operator's opening of a breaker, held until closed, as FlowAdmin announces it. */
function handOpened(by = 'alice') {
  const before = newBreaker('host:api.example.com', T0 - 60_000);
  return breakerNoticeOf('taskpipe', opened(before, by, T0, undefined), before)!;
}

/**
 * Real clients whose requests stop at the SDK edge: a build-step middleware reads the
 * serialised query-protocol request and answers instead of the network.
 */
function edge(outputs: () => Record<string, string> | Error) {
  const described: string[] = [];
  const published: Record<string, string>[] = [];
  const destroyed: string[] = [];
  const cfn = new CloudFormationClient({ region: 'eu-west-1', credentials });
  cfn.middlewareStack.add(
    () => async (args) => {
      const body = new URLSearchParams(String((args.request as { body: string }).body));
      expect(body.get('Action')).toBe('DescribeStacks');
      described.push(body.get('StackName') ?? '');
      const answer = outputs();
      if (answer instanceof Error) throw answer;
      const output: Partial<DescribeStacksCommandOutput> = {
        Stacks: [
          {
            StackName: body.get('StackName') ?? '',
            CreationTime: new Date(T0),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: Object.entries(answer).map(([OutputKey, OutputValue]) => ({
              OutputKey,
              OutputValue,
            })),
          },
        ],
      };
      return { output: { $metadata: {}, ...output }, response: {} };
    },
    { step: 'build', name: 'answerAtTheEdge' },
  );
  const sns = new SNSClient({ region: 'eu-west-1', credentials });
  sns.middlewareStack.add(
    () => async (args) => {
      const body = new URLSearchParams(String((args.request as { body: string }).body));
      published.push(Object.fromEntries(body));
      return { output: { $metadata: {}, MessageId: `m-${published.length}` }, response: {} };
    },
    { step: 'build', name: 'answerAtTheEdge' },
  );
  cfn.destroy = () => void destroyed.push('cloudformation');
  sns.destroy = () => void destroyed.push('sns');
  const clients = {
    cloudFormation: async () => cfn,
    sns: async () => sns,
  };
  return { clients, described, published, destroyed };
}

describe('breaker notices for a deployed stack', () => {
  it("publishes the operator's move to the stateless stack's alarm topic, found once", async () => {
    const { clients, described, published, destroyed } = edge(() => ({ AlarmTopicArn: TOPIC }));
    const notices = stackNoticePublisher('ShopStateful', clients);
    const opening = handOpened('alice');
    const before = newBreaker('host:api.example.com', T0 - 60_000);
    const closing = breakerNoticeOf(
      'taskpipe',
      closed(opened(before, 'alice', T0, undefined), 'bob', T0 + 1_000),
      opened(before, 'alice', T0, undefined),
    )!;

    await notices.publish(opening);
    await notices.publish(closing);
    notices.close();

    expect(described).toEqual(['ShopStateless']);
    expect(published.map((p) => [p.Action, p.TopicArn])).toEqual([
      ['Publish', TOPIC],
      ['Publish', TOPIC],
    ]);
    const [first, second] = published.map((p) => JSON.parse(p.Message ?? '{}'));
    expect(first).toEqual({
      ...opening,
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
    });
    expect(first).toMatchObject({ move: 'opened', by: 'alice', state: 'open' });
    expect(second).toMatchObject({ move: 'closed', by: 'bob', state: 'closed' });
    expect(destroyed.sort()).toEqual(['cloudformation', 'sns']);
  });

  it('makes no request before a breaker moves', () => {
    const { clients, described, published } = edge(() => ({ AlarmTopicArn: TOPIC }));

    stackNoticePublisher('TaskpipeStateful', clients).close();

    expect(described).toEqual([]);
    expect(published).toEqual([]);
  });

  it('refuses a stack without the topic output, naming it, and looks again on the next move', async () => {
    let outputs: Record<string, string> = { ConsumerFunctionName: 'consumer' };
    const { clients, described, published } = edge(() => outputs);
    const notices = stackNoticePublisher('TaskpipeStateful', clients);

    const refused = notices.publish(handOpened());

    await expect(refused).rejects.toBeInstanceOf(UnreachableError);
    await expect(refused).rejects.toThrow(/stack TaskpipeStateless has no AlarmTopicArn output/);
    expect(published).toEqual([]);

    outputs = { AlarmTopicArn: TOPIC };
    await notices.publish(handOpened());

    expect(described).toEqual(['TaskpipeStateless', 'TaskpipeStateless']);
    expect(published).toHaveLength(1);
  });

  it('refuses an output that is not a topic ARN', async () => {
    const { clients, published } = edge(() => ({ AlarmTopicArn: 'taskpipe-alarms' }));

    await expect(
      stackNoticePublisher('TaskpipeStateful', clients).publish(handOpened()),
    ).rejects.toThrow('the AlarmTopicArn output is not an SNS topic ARN: taskpipe-alarms');
    expect(published).toEqual([]);
  });
});
