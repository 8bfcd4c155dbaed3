import type { WEBHOOK_KINDS } from '../../../definition/webhookKinds.js';
import type { AlarmNotice } from '../AlarmNotice.js';
import { formatDingTalk } from './dingtalk.js';
import { formatDiscord } from './discord.js';
import type { WebhookPayload } from './facts.js';
import { formatFeishu } from './feishu.js';
import { formatGeneric } from './generic.js';
import { formatSlack } from './slack.js';
import { formatTeams } from './teams.js';
import { formatWeCom } from './wecom.js';

/** The webhook kinds the notifier can render, as the pipeline definition names them. */
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** Each kind's formatter with its default limits. */
export const FORMATTERS: Record<WebhookKind, (notice: AlarmNotice) => WebhookPayload> = {
  slack: (n) => formatSlack(n),
  teams: (n) => formatTeams(n),
  feishu: (n) => formatFeishu(n),
  wecom: (n) => formatWeCom(n),
  dingtalk: (n) => formatDingTalk(n),
  discord: (n) => formatDiscord(n),
  generic: (n) => formatGeneric(n),
};

export type { WebhookPayload } from './facts.js';
