import { describe, expect, it } from 'vitest';
import { FORMATTERS, type WebhookKind } from '../../functions/notifier/formatters/index.js';
import { dlqAlarmMessage, noticeOf } from '../unit/notifier/alarmFactory.js';
import { stringsIn } from '../unit/notifier/formatterHelpers.js';

/** Text an attacker gets into an alarm, and what must not come out in a chat message. */
interface TextCase {
  name: string;
  text: string;
  /** Must appear in no chat kind's output (unless the kind is exempt). */
  raw: string;
  /** Kinds where the raw text is inert: Slack does not read markdown links, say. */
  exempt?: WebhookKind[];
}

// biome-ignore format: a table reads best one row to a line
const CASES: TextCase[] = [
  { name: 'Slack broadcast', text: 'fix <!channel> now', raw: '<!channel>' },
  { name: 'Slack everyone', text: 'ping <!everyone>', raw: '<!everyone>' },
  { name: 'Slack user group', text: 'page <!subteam^S0123|@oncall>', raw: '<!subteam' },
  { name: 'Slack channel link', text: 'see <#C024BE7LR>', raw: '<#C024' },
  { name: 'Slack disguised link', text: '<https://evil.example|Open the runbook>', raw: '<https://evil' },
  { name: 'Slack mention smuggled as entities', text: '&lt;!channel&gt;', raw: '&lt;!channel&gt;', exempt: ['teams', 'feishu', 'wecom', 'dingtalk', 'discord'] },
  { name: 'Discord role mention', text: 'wake <@&123456789012345678>', raw: '<@&' },
  { name: 'Teams mention', text: '<at>everyone</at>', raw: '<at>' },
  { name: 'Feishu mention of all', text: '<at user_id="all">all</at>', raw: '<at user_id' },
  { name: 'HTML image with a handler', text: '<img src=x onerror=alert(1)>', raw: '<img' },
  { name: 'javascript: anchor', text: '<a href="javascript:alert(1)">fix</a>', raw: '<a href' },
  { name: 'markdown link', text: '[fix it](https://evil.example/steal)', raw: '[fix it](', exempt: ['slack'] },
  { name: 'markdown image beacon', text: '![x](https://evil.example/t.png)', raw: '![x](', exempt: ['slack'] },
  { name: 'zero-width split mention', text: '@\u200beveryone', raw: '\u200b' },
  { name: 'right-to-left override', text: 'invoice\u202egnp.exe', raw: '\u202e' },
  { name: 'SQL in the reason', text: "'; DROP TABLE tasks; -- <script>", raw: '<script>' },
];

const CHAT_KINDS = (Object.keys(FORMATTERS) as WebhookKind[]).filter((k) => k !== 'generic');

const render = (kind: WebhookKind, text: string) =>
  FORMATTERS[kind](
    noticeOf(
      dlqAlarmMessage({
        AlarmName: `taskpipe-dlq ${text}`.slice(0, 255),
        AlarmDescription: `Runbook: ${text}`,
        NewStateReason: `Threshold crossed: ${text}`,
      }),
    ),
  ).body;

/** The parts a service reads as markup: Feishu's header and DingTalk's title are plain text. */
function markupOf(kind: WebhookKind, body: Record<string, unknown>): unknown {
  if (kind === 'feishu') return (body.card as { elements: unknown }).elements;
  if (kind === 'dingtalk') return (body.markdown as { text: string }).text;
  return body;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Markup and mention injection in text that reaches webhooks, through every formatter.
describe('hostile input: text that reaches webhooks', () => {
  const rows = CASES.flatMap((c) =>
    CHAT_KINDS.filter((k) => !c.exempt?.includes(k)).map((kind) => ({ ...c, kind })),
  );

  it.each(rows)('$kind: $name stays inert', ({ kind, text, raw }) => {
    const out = stringsIn(markupOf(kind, render(kind, text))).join('\n');

    // Present only escaped (a backslash before it), or not at all.
    expect(out).not.toMatch(new RegExp(`(^|[^\\\\])${escapeRegExp(raw)}`));
  });

  it.each(CASES)('generic: $name is delivered as JSON text, cleaned of invisibles', (c) => {
    const body = render('generic', c.text);

    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(stringsIn(body).join('\n')).not.toMatch(/[\u200b\u202e]/);
  });

  it('asks Discord and DingTalk to notify nobody, whatever the text says', () => {
    const discord = render('discord', '@everyone @here') as { allowed_mentions?: unknown };
    const dingtalk = render('dingtalk', '@all') as { at?: { isAtAll?: boolean } };

    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(dingtalk.at?.isAtAll).toBe(false);
  });
});
