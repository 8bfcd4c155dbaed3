import type { AlarmNotice } from '../AlarmNotice.js';
import { cut, fitEscaped } from '../text.js';
import { plainAngles } from './chatMarkdown.js';
import {
  FACT_CHARS,
  factsOf,
  fitBudget,
  jsonBytes,
  RUNBOOK_CHARS,
  titleOf,
  type WebhookPayload,
} from './facts.js';

/** Limits of a Feishu/Lark custom-bot card. */
export interface FeishuLimits {
  /** Feishu rejects cards over 30 KB; kept a little under for the signature fields. */
  cardBytes: number;
  reasonChars: number;
  titleChars: number;
}

/** The default limits, used when none are given. */
export const FEISHU_LIMITS: FeishuLimits = {
  cardBytes: 29_000,
  reasonChars: 8_000,
  titleChars: 200,
};

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '#': '&#35;',
};

/**
 * Escapes text for lark_md with HTML entities, which lark_md decodes. `<` matters most:
 * `<at id=all></at>` would mention everyone in the chat.
 */
export function escapeLarkMd(text: string): string {
  return text.replace(/[&<>*_~`[\]()#]/g, (c) => ENTITIES[c] ?? c);
}

const TEMPLATES = { ALARM: 'red', OK: 'green', INSUFFICIENT_DATA: 'grey' } as const;

function larkMd(content: string) {
  return { tag: 'lark_md', content };
}

function card(notice: AlarmNotice, reasonChars: number, limits: FeishuLimits) {
  const elements: Record<string, unknown>[] = [];
  if (notice.runbook) {
    elements.push({
      tag: 'div',
      text: larkMd(`**🚨 Runbook**\n${fitEscaped(notice.runbook, RUNBOOK_CHARS, escapeLarkMd)}`),
    });
  }
  elements.push({ tag: 'div', text: larkMd(fitEscaped(notice.reason, reasonChars, escapeLarkMd)) });
  elements.push({
    tag: 'div',
    fields: factsOf(notice).map((f) => ({
      is_short: f.label !== 'Metric' && f.label !== 'Dimensions',
      text: larkMd(`**${f.label}**\n${fitEscaped(f.value, FACT_CHARS, escapeLarkMd)}`),
    })),
  });
  elements.push({
    tag: 'action',
    actions: [
      {
        tag: 'button',
        text: { tag: 'plain_text', content: 'Open in CloudWatch' },
        type: notice.state === 'ALARM' ? 'danger' : 'primary',
        url: notice.consoleUrl,
      },
    ],
  });
  return {
    config: { wide_screen_mode: true },
    header: {
      template: TEMPLATES[notice.state],
      // plain_text is not parsed, so no entities (they would show); brackets go full-width.
      title: { tag: 'plain_text', content: cut(plainAngles(titleOf(notice)), limits.titleChars) },
    },
    elements,
  };
}

/**
 * Renders a notice as a Feishu/Lark interactive card. Signing (`timestamp`, `sign`) is
 * added at delivery, where the secret and the clock are.
 */
export function formatFeishu(
  notice: AlarmNotice,
  limits: FeishuLimits = FEISHU_LIMITS,
): WebhookPayload {
  const built = fitBudget(
    (reasonChars) => card(notice, reasonChars, limits),
    jsonBytes,
    limits.cardBytes,
    limits.reasonChars,
  );
  return { body: { msg_type: 'interactive', card: built } };
}
