import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../../functions/core/service/errors.js';

describe('PayloadTooLargeError: what was too large, by how much, and the limit', () => {
  it('says what, its size and the limit, with a note when given', () => {
    expect(new PayloadTooLargeError('payload', 300_000, 262_144).message).toBe(
      'payload is 300000 bytes; the limit is 262144 bytes',
    );
    expect(new PayloadTooLargeError('request body', 9, 8, 'batch').message).toBe(
      'request body is 9 bytes; the limit is 8 bytes (batch)',
    );
    expect(new PayloadTooLargeError('follow-ups', 5, 4, 'together').message).toBe(
      'follow-ups are 5 bytes; the limit is 4 bytes (together)',
    );
  });

  it('carries its reason and the figures for the response', () => {
    expect(new PayloadTooLargeError('payload', 3, 2)).toMatchObject({
      reason: 'payload_too_large',
      retryable: false,
      bytes: 3,
      limitBytes: 2,
      details: { bytes: 3, limitBytes: 2 },
    });
  });
});
