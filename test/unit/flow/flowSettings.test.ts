import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parsePipelineDefinition } from '../../../definition/index.js';
import { ConfigError } from '../../../functions/core/errors.js';
import { flowKey } from '../../../functions/core/flow/flowKey.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { TaskPreparer } from '../../../functions/core/service/prepareTask.js';
import { defineTask } from '../../../functions/core/task.js';

const tenant = z.object({ tenant: z.string() });
const limited = defineTask({
  type: 'mail.limited',
  schema: tenant,
  rateLimit: { perSecond: 1, burst: 1 },
  concurrency: { key: (p) => p.tenant, limit: 2 },
  handler: () => null,
});
const plain = defineTask({ type: 'mail.plain', schema: tenant, handler: () => null });

describe('flow settings', () => {
  it('are checked with the registry, each problem with its value', () => {
    expect(() =>
      createRegistry([
        defineTask({
          type: 'bad.flow',
          schema: tenant,
          rateLimit: { perSecond: 0, burst: 1.5 },
          concurrency: { key: 'tenant' as never, limit: 0 },
          debounce: { key: 'tenant' as never, seconds: 86_401 },
          dedupWindowSeconds: -1,
          handler: () => null,
        }),
      ]),
    ).toThrow(
      new ConfigError('invalid task registry', [
        'task type "bad.flow": rateLimit.perSecond 0 must be > 0 and ≤ 10000',
        'task type "bad.flow": rateLimit.burst 1.5 must be an integer 1–10000',
        'task type "bad.flow": concurrency.limit 0 must be an integer 1–1000',
        'task type "bad.flow": concurrency.key must be a function (payload) => string',
        'task type "bad.flow": debounce.seconds 86401 must be an integer 1–86400 (a day)',
        'task type "bad.flow": debounce.key must be a function (payload) => string',
        'task type "bad.flow": dedupWindowSeconds -1 must be an integer 1–2592000 (30 days, the task rows\' default retention)',
      ]),
    );
  });

  it('rate limits take up to 10000 per second, and a key function when keyed', () => {
    const limited = (perSecond: number, key?: unknown) =>
      defineTask({
        type: 'mail.rate',
        schema: tenant,
        rateLimit: { perSecond, burst: 1, ...(key === undefined ? {} : { key: key as never }) },
        handler: () => null,
      });
    expect(() =>
      createRegistry([limited(10_000, (p: { tenant: string }) => p.tenant)]),
    ).not.toThrow();
    expect(() => createRegistry([limited(10_001)])).toThrow(
      'rateLimit.perSecond 10001 must be > 0 and ≤ 10000',
    );
    expect(() => createRegistry([limited(1, 'tenant')])).toThrow(
      'task type "mail.rate": rateLimit.key must be a function (payload) => string',
    );
  });

  it('debounce takes whole seconds from 1 to a day, and a key function', () => {
    const debounced = (seconds: number) =>
      defineTask({
        type: 'mail.debounced',
        schema: tenant,
        debounce: { key: (p) => p.tenant, seconds },
        handler: () => null,
      });
    for (const seconds of [1, 900, 86_400]) {
      expect(() => createRegistry([debounced(seconds)])).not.toThrow();
    }
    for (const seconds of [0, 1.5, -1, Number.NaN]) {
      expect(() => createRegistry([debounced(seconds)])).toThrow(
        `debounce.seconds ${seconds} must be an integer 1–86400`,
      );
    }
    const fifo = {
      queues: [
        { priority: 'default', maxConcurrency: 5 },
        { priority: 'ordered', maxConcurrency: 5, fifo: true },
      ],
    };
    expect(() => parsePipelineDefinition(fifo, createRegistry([debounced(5)]))).toThrow(
      'task type "mail.debounced" has debounce, but queue "ordered" is FIFO',
    );
  });

  it('dedupWindowSeconds takes whole seconds from 1 to 30 days', () => {
    const windowed = (dedupWindowSeconds: number) =>
      defineTask({
        type: 'mail.windowed',
        schema: tenant,
        dedupWindowSeconds,
        handler: () => null,
      });
    for (const seconds of [1, 2_592_000]) {
      expect(() => createRegistry([windowed(seconds)])).not.toThrow();
    }
    for (const seconds of [0, 0.5, 2_592_001]) {
      expect(() => createRegistry([windowed(seconds)])).toThrow(
        `dedupWindowSeconds ${seconds} must be an integer 1–2592000`,
      );
    }
  });

  it('a pipeline with a FIFO queue refuses a type that would be deferred', () => {
    const registry = createRegistry([limited, plain]);
    const definition = {
      queues: [
        { priority: 'default', maxConcurrency: 5 },
        { priority: 'ordered', maxConcurrency: 5, fifo: true },
      ],
    };
    expect(() => parsePipelineDefinition(definition, registry)).toThrow(
      'task type "mail.limited" has rateLimit, concurrency, but queue "ordered" is FIFO: a FIFO queue takes no per-message delay, so flow control cannot defer its tasks; remove the setting or make the queue standard',
    );
    expect(() => parsePipelineDefinition(definition, createRegistry([plain]))).not.toThrow();
    expect(() =>
      parsePipelineDefinition({ queues: [definition.queues[0]] }, registry),
    ).not.toThrow();
  });

  it('the API refuses a rate-limited task sent to a FIFO priority', () => {
    const preparer = new TaskPreparer({
      registry: createRegistry([limited, plain]),
      routes: [
        { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://d', fifo: false },
        { priority: 'ordered', name: 'f', url: 'http://f', dlqUrl: 'http://g', fifo: true },
      ],
      maxPayloadBytes: 1_000,
    });
    const task = { type: 'mail.limited', payload: { tenant: 't' }, priority: 'ordered' };
    expect(() => preparer.prepare(task, 0)).toThrow('invalid task request');
    expect(() => preparer.prepare({ ...task, priority: 'default' }, 0)).not.toThrow();
    expect(() => preparer.prepare({ ...task, type: 'mail.plain' }, 0)).not.toThrow();
  });

  it('keys: the key function’s string, the shared key on failure, a hash when long', () => {
    expect(flowKey(undefined, { tenant: 'a' })).toBe('');
    expect(flowKey((p: { tenant: string }) => p.tenant, { tenant: 'a' })).toBe('a');
    expect(
      flowKey(() => {
        throw new Error('no');
      }, {}),
    ).toBe('');
    expect(flowKey((() => 42) as never, {})).toBe('');
    const long = flowKey(() => 'k'.repeat(129), {});
    expect(long).toMatch(/^sha256:[\w-]{43}$/);
    expect(flowKey(() => 'k'.repeat(128), {})).toBe('k'.repeat(128));
  });
});
