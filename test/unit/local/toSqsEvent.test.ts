import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../../../local/esm/toSqsEvent.js';

const ARN = 'arn:aws:sqs:eu-west-1:000000000000:tasks.fifo';

describe('toSqsRecord', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('carries every field of a received FIFO message as the event source mapping does', () => {
    const record = toSqsRecord(
      {
        MessageId: 'm-1',
        ReceiptHandle: 'rh-1',
        Body: '{"id":"t1"}',
        MD5OfBody: 'md5',
        Attributes: {
          ApproximateReceiveCount: '3',
          SentTimestamp: '1700000000000',
          SenderId: 'AIDA',
          ApproximateFirstReceiveTimestamp: '1700000000500',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'd',
          SequenceNumber: '42',
        },
        MessageAttributes: {
          traceparent: { DataType: 'String', StringValue: '00-abc' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      },
      ARN,
      'eu-west-1',
    );

    expect(record).toStrictEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: '{"id":"t1"}',
      attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1700000000500',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
        SequenceNumber: '42',
      },
      messageAttributes: {
        traceparent: {
          dataType: 'String',
          stringValue: '00-abc',
          stringListValues: [],
          binaryListValues: [],
        },
        blob: {
          dataType: 'Binary',
          binaryValue: Buffer.from('hi').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
        },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: ARN,
      awsRegion: 'eu-west-1',
    });
  });

  it('fills what an emulator leaves out, and adds no FIFO fields to a standard message', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });

    const record = toSqsRecord({}, ARN, 'us-east-1');

    expect(record).toStrictEqual({
      messageId: '',
      receiptHandle: '',
      body: '',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1700000000000',
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: '1700000000000',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: ARN,
      awsRegion: 'us-east-1',
    });
  });

  it('types an attribute without a data type as a string, and keeps an empty string value', () => {
    const record = toSqsRecord(
      // The SDK's type requires DataType, yet an answer may leave it out.
      { MessageAttributes: { note: { StringValue: '' } as MessageAttributeValue } },
      ARN,
      'r',
    );

    expect(record.messageAttributes).toStrictEqual({
      note: { dataType: 'String', stringValue: '', stringListValues: [], binaryListValues: [] },
    });
  });
});

describe('toSqsEvent', () => {
  it('makes one record per message, in order', () => {
    const event = toSqsEvent([{ MessageId: 'a' }, { MessageId: 'b' }], ARN, 'r');

    expect(event.Records.map((r) => [r.messageId, r.eventSourceARN, r.awsRegion])).toEqual([
      ['a', ARN, 'r'],
      ['b', ARN, 'r'],
    ]);
  });
});
