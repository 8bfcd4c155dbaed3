import { describe, expect, it } from 'vitest';
import { SqsQueue } from '../../../functions/adapters/sqs/SqsQueue.js';
import { PayloadTooLargeError } from '../../../functions/core/service/errors.js';
import {
  GroupService,
  MAX_FOLLOW_UPS_BYTES,
} from '../../../functions/core/workflow/GroupService.js';
import { backendFactories } from '../../helpers/backends.js';
import { silentLogger } from '../../helpers/consumerHarness.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';
import { testRegistry } from '../../helpers/testTasks.js';

/** A follow-up whose payload holds `chars` characters: each alone is under the payload limit. */
const followUp = (chars: number) => ({ type: 'test.spawn', payload: { n: 'x'.repeat(chars) } });

// A group keeps its follow-ups in one item, and DynamoDB holds at most 400 KB per item: two
// follow-ups near the payload limit each must be refused up front, with the limit named,
// rather than fail in the table.
describe.each(backendFactories)('the size of a group follow-ups on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  const service = (limits: { maxPayloadBytes?: number } = {}) =>
    new GroupService({
      ...limits,
      registry: testRegistry,
      store: suite.p.store,
      groups: suite.groups,
      queue: new SqsQueue(suite.backend.sqs),
      routes: [suite.p.standard.route],
      logger: silentLogger,
      clock: { now: () => Date.now() },
    });

  test('refuses follow-ups that together pass the limit, before any write', async () => {
    const request = {
      tasks: [],
      onComplete: followUp(200_000),
      onSuccess: followUp(200_000),
    };
    const refused = await service()
      .create(request)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(PayloadTooLargeError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^follow-ups are \\d+ bytes; the limit is ${MAX_FOLLOW_UPS_BYTES} bytes \\(onComplete and onSuccess together`,
      ),
    );
    expect(refused).toMatchObject({
      reason: 'payload_too_large',
      details: { bytes: (refused as PayloadTooLargeError).bytes, limitBytes: MAX_FOLLOW_UPS_BYTES },
    });
    expect((refused as PayloadTooLargeError).bytes).toBeGreaterThan(MAX_FOLLOW_UPS_BYTES);
  });

  test('keeps follow-ups of exactly the limit, readable in full', async () => {
    // The JSON around the two strings, then strings that fill the rest to the byte.
    const frame = JSON.stringify({ complete: followUp(0), success: followUp(0) }).length;
    const room = MAX_FOLLOW_UPS_BYTES - frame;
    const [a, b] = [Math.floor(room / 2), Math.ceil(room / 2)];
    const created = await service().create({
      tasks: [],
      onComplete: followUp(a),
      onSuccess: followUp(b),
      seal: false,
    });
    const specs = await suite.groups.followUps(created.group.id);
    expect(JSON.stringify(specs)).toHaveLength(MAX_FOLLOW_UPS_BYTES);
    expect(specs.complete?.payload).toEqual({ n: 'x'.repeat(a) });
    expect(specs.success?.payload).toEqual({ n: 'x'.repeat(b) });
  });

  test('says which request was wrong: its body, its callback, a member over the payload limit', async () => {
    const why = (body: unknown, limits: { maxPayloadBytes?: number } = {}) =>
      service(limits)
        .create(body)
        .then(
          () => 'created',
          (error: unknown) => (error as Error).message,
        );
    expect(await why({ tasks: 'none' })).toMatch(/^invalid group request: tasks/);
    expect(await why({ tasks: [], callback: { url: 'https://example.com/hook' } })).toMatch(
      /^invalid group request: callback\.secretName/,
    );
    const member = { type: 'test.spawn', payload: { n: 'x'.repeat(100) } };
    expect(await why({ tasks: [member] }, { maxPayloadBytes: 200 })).not.toMatch(/limit/);
    expect(await why({ tasks: [member] }, { maxPayloadBytes: 50 })).toMatch(
      /payload is \d+ bytes; the limit is 50 bytes/,
    );
  });
});
