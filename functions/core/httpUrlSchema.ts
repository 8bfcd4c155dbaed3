import * as z from 'zod';

/**
 * An http(s) URL of at most 2,048 characters, without embedded credentials: fetch refuses
 * those, and they would end up in logs and status records.
 */
export function httpUrlSchema(credentialsMessage: string) {
  return z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2048)
    .refine((value) => {
      const parsed = new URL(value);
      return parsed.username === '' && parsed.password === '';
    }, credentialsMessage);
}
