import type * as z from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * A zod issue as a person reads it: what is allowed and what came. zod says only
 * "Invalid input" when no branch of a union matched (a missing `z.json()` value, say), so
 * the branches' expectations are gathered into one sentence.
 */
export function issueMessage(issue: Issue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return issue.message.replace(/^Invalid input: /, '');
  }
  const branches = issue.errors.map((errors) => errors[0]).filter((i) => i !== undefined);
  const expected = branches.flatMap((i) =>
    i.code === 'invalid_type' && i.path.length === 0 ? [i.expected] : [],
  );
  if (expected.length === branches.length) {
    const received = /received (\w+)/.exec(branches[0]?.message ?? '')?.[1];
    const allowed = [...new Set(expected.map((e) => (e === 'record' ? 'object' : e)))];
    const list =
      allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
    return `expected ${list}${received ? `, received ${received}` : ''}`;
  }
  return `matches none of the allowed forms: ${branches
    .map((i) => `${i.path.join('.') || '(value)'}: ${issueMessage(i)}`)
    .join(' | ')}`;
}
