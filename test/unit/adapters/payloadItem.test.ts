import { describe, expect, it } from 'vitest';
import {
  INLINE_PAYLOAD_BYTES,
  newPayloadItem,
  PAYLOAD_EXTRA_SECONDS,
  payloadKey,
  shouldInline,
} from '../../../functions/adapters/dynamodb/payloadItem.js';

describe('payload items', () => {
  it('keeps a payload of exactly the inline size on the row, counted in UTF-8 bytes', () => {
    const exact = 'a'.repeat(INLINE_PAYLOAD_BYTES);
    // 256 two-byte characters: as many bytes as the limit allows, half as many characters.
    const wide = 'é'.repeat(INLINE_PAYLOAD_BYTES / 2);

    expect(shouldInline(exact)).toBe(true);
    expect(shouldInline(`${exact}a`)).toBe(false);
    expect(shouldInline(wide)).toBe(true);
    expect(shouldInline(`${wide}é`)).toBe(false);
  });

  it('is kept under its own key for the row retention and SQS longest retention more', () => {
    expect(newPayloadItem('t-1', '{"a":1}', 1_000)).toStrictEqual({
      id: { S: 't-1#payload' },
      payload: { S: '{"a":1}' },
      expiresAt: { N: String(1_000 + 14 * 86_400) },
    });
    expect(payloadKey('t-2')).toBe('t-2#payload');
    expect(PAYLOAD_EXTRA_SECONDS).toBe(14 * 86_400);
  });
});
