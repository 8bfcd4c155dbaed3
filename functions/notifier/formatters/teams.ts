import type { AlarmNotice } from '../AlarmNotice.js';
import { backslashEscape, fitEscaped } from '../text.js';
import {
  FACT_CHARS,
  factsOf,
  fitBudget,
  jsonBytes,
  RUNBOOK_CHARS,
  titleOf,
  type WebhookPayload,
} from './facts.js';

/** Limits of a Teams Workflows webhook message. */
export interface TeamsLimits {
  /** Teams refuses messages of about 28 KB and more. */
  payloadBytes: number;
  /** Longest reason before the size limit cuts it further. */
  reasonChars: number;
}

/** The default limits, used when none are given. */
export const TEAMS_LIMITS: TeamsLimits = { payloadBytes: 27_000, reasonChars: 8_000 };

/**
 * Escapes the markdown an Adaptive Card TextBlock understands (emphasis, links, lists,
 * headings), so alarm text cannot become a link such as `[x](javascript:…)`.
 */
export function escapeTeams(text: string): string {
  return backslashEscape(text, '\\`*_[]()<>#~');
}

const COLOURS = { ALARM: 'Attention', OK: 'Good', INSUFFICIENT_DATA: 'Default' } as const;

function card(notice: AlarmNotice, reasonChars: number): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: fitEscaped(titleOf(notice), 400, escapeTeams),
      size: 'Large',
      weight: 'Bolder',
      color: COLOURS[notice.state],
      wrap: true,
    },
  ];
  if (notice.runbook) {
    body.push({
      type: 'Container',
      style: 'warning',
      items: [
        { type: 'TextBlock', text: 'Runbook', weight: 'Bolder', wrap: true },
        {
          type: 'TextBlock',
          text: fitEscaped(notice.runbook, RUNBOOK_CHARS, escapeTeams),
          wrap: true,
        },
      ],
    });
  }
  body.push({
    type: 'TextBlock',
    text: fitEscaped(notice.reason, reasonChars, escapeTeams),
    wrap: true,
  });
  body.push({
    type: 'FactSet',
    facts: factsOf(notice).map((f) => ({
      title: f.label,
      value: fitEscaped(f.value, FACT_CHARS, escapeTeams),
    })),
  });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          actions: [
            { type: 'Action.OpenUrl', title: 'Open in CloudWatch', url: notice.consoleUrl },
          ],
        },
      },
    ],
  };
}

/** Renders a notice as a Teams Workflows webhook message holding one Adaptive Card. */
export function formatTeams(
  notice: AlarmNotice,
  limits: TeamsLimits = TEAMS_LIMITS,
): WebhookPayload {
  const body = fitBudget(
    (reasonChars) => card(notice, reasonChars),
    jsonBytes,
    limits.payloadBytes,
    limits.reasonChars,
  );
  return { body };
}
