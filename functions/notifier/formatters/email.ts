import type { AlarmNotice } from '../AlarmNotice.js';
import { cut } from '../text.js';
import { FACT_CHARS, factsOf, RUNBOOK_CHARS, titleOf } from './facts.js';

/** An alarm as an email: one subject, a plain-text part and an HTML part. */
export interface AlarmEmail {
  subject: string;
  text: string;
  html: string;
}

/** Limits of the email: mail has room, but one alarm must not send megabytes. */
export const EMAIL_LIMITS = {
  subjectChars: 200,
  reasonChars: 8_000,
  runbookChars: RUNBOOK_CHARS * 2,
};

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Line breaks of escaped text as `<br>`, so a multi-line runbook keeps its shape. */
const withBreaks = (escaped: string) => escaped.replace(/\n/g, '<br>');

/**
 * Renders a notice as an email with the chat messages' content: what fired, the runbook,
 * the reason, the facts (the value among them) and the CloudWatch link. The subject is
 * one line; every piece of alarm text in the HTML is escaped, and the only link is the
 * console URL the notifier built itself.
 */
export function formatEmail(notice: AlarmNotice): AlarmEmail {
  // A subject is a header: no line break may reach it.
  const subject = cut(titleOf(notice).replace(/\s+/g, ' '), EMAIL_LIMITS.subjectChars);
  const runbook = notice.runbook ? cut(notice.runbook, EMAIL_LIMITS.runbookChars) : undefined;
  const reason = cut(notice.reason, EMAIL_LIMITS.reasonChars);
  const facts = factsOf(notice).map((f) => ({ ...f, value: cut(f.value, FACT_CHARS) }));

  const text = [
    subject,
    '',
    ...(runbook ? [`What to do: ${runbook}`, ''] : []),
    reason,
    '',
    ...facts.map((f) => `${f.label}: ${f.value}`),
    '',
    `Open in CloudWatch: ${notice.consoleUrl}`,
    '',
  ].join('\n');

  const rows = facts
    .map(
      (f) =>
        `<tr><th align="left" style="padding-right:12px">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join('');
  const html = [
    '<!DOCTYPE html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(subject)}</h2>`,
    ...(runbook ? [`<p><strong>What to do:</strong> ${withBreaks(escapeHtml(runbook))}</p>`] : []),
    `<p>${withBreaks(escapeHtml(reason))}</p>`,
    `<table>${rows}</table>`,
    `<p><a href="${escapeHtml(notice.consoleUrl)}">Open in CloudWatch</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
