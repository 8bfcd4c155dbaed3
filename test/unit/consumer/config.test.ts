import { describe, expect, it } from 'vitest';
import { parseConsumerConfig } from '../../../functions/consumer/config.js';
import { ConfigError } from '../../../functions/core/errors.js';

const queues = JSON.stringify([
  {
    priority: 'default',
    name: 'q',
    url: 'https://sqs.eu-west-1.amazonaws.com/1/q',
    dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q-dlq',
  },
]);

describe('parseConsumerConfig', () => {
  it('parses the environment with defaults', () => {
    const config = parseConsumerConfig({ TASKPIPE_TABLE_NAME: 'tasks', TASKPIPE_QUEUES: queues });
    expect(config).toMatchObject({
      tableName: 'tasks',
      retentionDays: 30,
      recordConcurrency: 10,
      queues: [{ priority: 'default', fifo: false }],
    });
  });

  it('lists every bad variable with its value in one error', () => {
    try {
      parseConsumerConfig({
        TASKPIPE_QUEUES: '[{',
        TASKPIPE_RECORD_CONCURRENCY: '0',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('TASKPIPE_TABLE_NAME');
      expect(problems).toContain(
        'TASKPIPE_QUEUES: must be a JSON array of queue routes (got "[{")',
      );
      expect(problems).toContain('TASKPIPE_RECORD_CONCURRENCY');
      expect(problems).toContain('(got "0")');
    }
  });
});
