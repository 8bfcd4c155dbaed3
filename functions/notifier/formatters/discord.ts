import type { AlarmNotice } from '../AlarmNotice.js';
import { backslashEscape, fitEscaped } from '../text.js';
import {
  FACT_CHARS,
  factsOf,
  fitBudget,
  RUNBOOK_CHARS,
  titleOf,
  type WebhookPayload,
} from './facts.js';

/** Discord embed limits. */
export interface DiscordLimits {
  titleChars: number;
  descriptionChars: number;
  fields: number;
  fieldNameChars: number;
  fieldValueChars: number;
  footerChars: number;
  /** Title, description, field names and values, and footer together. */
  totalChars: number;
}

/** The default limits, used when none are given. */
export const DISCORD_LIMITS: DiscordLimits = {
  titleChars: 256,
  descriptionChars: 4096,
  fields: 25,
  fieldNameChars: 256,
  fieldValueChars: 1024,
  footerChars: 2048,
  totalChars: 6000,
};

/** Escapes Discord markdown, including `<` so `<@id>` and `<#channel>` stay text. */
export function escapeDiscord(text: string): string {
  return backslashEscape(text, '\\`*_~|[]()<>#');
}

const COLOURS = { ALARM: 0xd93025, OK: 0x188038, INSUFFICIENT_DATA: 0x9aa0a6 } as const;

interface Embed {
  title: string;
  url: string;
  description: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  footer: { text: string };
  timestamp: string;
}

function embedChars(e: Embed): number {
  return (
    e.title.length +
    e.description.length +
    e.footer.text.length +
    e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function embed(notice: AlarmNotice, descriptionChars: number, limits: DiscordLimits): Embed {
  const runbook = notice.runbook
    ? `**Runbook:** ${fitEscaped(notice.runbook, RUNBOOK_CHARS, escapeDiscord)}\n\n`
    : '';
  return {
    title: fitEscaped(titleOf(notice), limits.titleChars, escapeDiscord),
    url: notice.consoleUrl,
    description:
      runbook +
      fitEscaped(notice.reason, Math.max(0, descriptionChars - runbook.length), escapeDiscord),
    color: COLOURS[notice.state],
    fields: factsOf(notice)
      .slice(0, limits.fields)
      .map((f) => ({
        name: f.label.slice(0, limits.fieldNameChars),
        value:
          fitEscaped(f.value, Math.min(FACT_CHARS, limits.fieldValueChars), escapeDiscord) || '-',
        inline: f.label !== 'Metric' && f.label !== 'Dimensions',
      })),
    footer: { text: fitEscaped(`taskpipe · ${notice.account}`, limits.footerChars, (s) => s) },
    timestamp: notice.time,
  };
}

/**
 * Renders a notice as a Discord webhook message with one embed. `allowed_mentions` with an
 * empty `parse` list means no text, escaped or not, can ping `@everyone`, a user or a role.
 */
export function formatDiscord(
  notice: AlarmNotice,
  limits: DiscordLimits = DISCORD_LIMITS,
): WebhookPayload {
  const built = fitBudget(
    (n) => embed(notice, n, limits),
    embedChars,
    limits.totalChars,
    limits.descriptionChars,
  );
  return { body: { allowed_mentions: { parse: [] }, embeds: [built] } };
}
