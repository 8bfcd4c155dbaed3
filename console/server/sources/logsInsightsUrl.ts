/**
 * A CloudWatch Logs Insights link that opens a query for one task id's log lines (the
 * consumer logs `taskId` as a field). The console's fragment encodes the query state in
 * its own form: values percent-escaped with `*` for `%`, and `?`, `=` as `$3F`, `$3D`.
 */
export function logsInsightsUrl(region: string, taskId: string, logGroup?: string): string {
  const query = `fields @timestamp, level, message, taskId\n| filter taskId = "${taskId}"\n| sort @timestamp asc`;
  const value = (s: string) =>
    `'${encodeURIComponent(s)
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%/g, '*')}`;
  const source = logGroup ? `~source~(~${value(logGroup)})` : '';
  const detail = `~(end~0~start~-86400~timeType~'RELATIVE~unit~'seconds~editorString~${value(query)}${source})`;
  const fragment = `logsV2:logs-insights$3FqueryDetail$3D${detail}`;
  const host = `https://${encodeURIComponent(region)}.console.aws.amazon.com`;
  return `${host}/cloudwatch/home?region=${encodeURIComponent(region)}#${fragment}`;
}
