import { describe, expect, it } from 'vitest';
import { parseApiConfig } from '../../../functions/api/config.js';
import {
  MalformedJsonError,
  UnsupportedMediaTypeError,
} from '../../../functions/api/httpErrors.js';
import { readJsonBody } from '../../../functions/api/request.js';
import { ConfigError } from '../../../functions/core/errors.js';
import { PayloadTooLargeError } from '../../../functions/core/service/errors.js';
import { apiEvent } from '../../helpers/apiEvents.js';

const limit = { bytes: 64, explain: 'test limit' };

describe('readJsonBody', () => {
  it('accepts JSON media types with parameters, in any header case', () => {
    const vendor = apiEvent('POST', '/tasks', {
      body: { a: 1 },
      contentType: 'application/vnd.api+json',
    });
    const upper = apiEvent('POST', '/tasks', {
      body: '[1]',
      contentType: null,
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    });

    expect(readJsonBody(vendor, limit)).toEqual({ a: 1 });
    expect(readJsonBody(upper, limit)).toEqual([1]);
  });

  it('measures the decoded size of a base64 body', () => {
    const text = JSON.stringify({ s: 'é'.repeat(30) });
    const event = apiEvent('POST', '/tasks', { body: text, base64: true });

    expect(() => readJsonBody(event, limit)).toThrow(PayloadTooLargeError);
    expect(() => readJsonBody(event, limit)).toThrow(
      `is ${Buffer.byteLength(text)} bytes; the limit is 64 bytes (test limit)`,
    );
  });

  it('refuses other media types and bodies that are not JSON', () => {
    const text = apiEvent('POST', '/tasks', { body: '{}', contentType: 'text/json' });
    const broken = apiEvent('POST', '/tasks', { body: '{"a":', contentType: 'application/json' });

    expect(() => readJsonBody(text, limit)).toThrow(UnsupportedMediaTypeError);
    expect(() => readJsonBody(broken, limit)).toThrow(MalformedJsonError);
  });
});

describe('parseApiConfig', () => {
  const queues = JSON.stringify([
    {
      priority: 'default',
      name: 'q',
      url: 'https://sqs.eu-west-1.amazonaws.com/1/q',
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/1/d',
    },
  ]);

  it('parses the environment with defaults', () => {
    expect(parseApiConfig({ TASKPIPE_TABLE_NAME: 'tasks', TASKPIPE_QUEUES: queues })).toMatchObject(
      {
        maxPayloadBytes: 262_144,
        retentionDays: 30,
        queues: [{ priority: 'default', fifo: false }],
        typeIndex: false,
      },
    );
    const indexed = {
      TASKPIPE_TABLE_NAME: 'tasks',
      TASKPIPE_QUEUES: queues,
      TASKPIPE_TYPE_INDEX: '1',
    };
    expect(parseApiConfig(indexed).typeIndex).toBe(true);
    expect(() => parseApiConfig({ ...indexed, TASKPIPE_TYPE_INDEX: 'true' })).toThrow(
      /TASKPIPE_TYPE_INDEX/,
    );
  });

  it('lists every bad variable, including a payload limit the item cannot hold', () => {
    try {
      parseApiConfig({ TASKPIPE_QUEUES: '[]', TASKPIPE_MAX_PAYLOAD_BYTES: '1048576' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('TASKPIPE_TABLE_NAME');
      expect(problems).toContain('TASKPIPE_QUEUES');
      expect(problems).toContain('TASKPIPE_MAX_PAYLOAD_BYTES');
      expect(problems).toContain('(got "1048576")');
    }
  });
});
