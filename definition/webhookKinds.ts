import * as z from 'zod';

// Shared by the definition and the notifier function: kept apart so the notifier's bundle
// does not build the whole alarms schema at start-up.

export const WEBHOOK_KINDS = [
  'slack',
  'teams',
  'feishu',
  'wecom',
  'dingtalk',
  'discord',
  'generic',
] as const;

/**
 * A Secrets Manager secret name. The URL (and any signing secret) lives in the secret and
 * is read at run time; a URL here would end up in the template, so it is rejected.
 */
export const secretNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^[A-Za-z0-9/_+=.@-]+$/,
    'must be a Secrets Manager secret name (letters, digits and /_+=.@-), never a webhook URL',
  );
