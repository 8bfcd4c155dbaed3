import { createHmac, timingSafeEqual } from 'node:crypto';

// The receiver's check as docs/callbacks.md prints it; a unit test keeps the two the same.
export function verify(key: string, rawBody: string, timestamp: string, signature: string) {
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // a replay
  const expected = `sha256=${createHmac('sha256', key).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return (
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}
