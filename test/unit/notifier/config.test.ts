import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors.js';
import { parseLocalWebhook, parseNotifierConfig } from '../../../functions/notifier/config.js';

const targets = JSON.stringify([
  { name: 'ops-slack', kind: 'slack', secretName: 'taskpipe/prod/slack' },
  { name: 'oncall-feishu', kind: 'feishu', secretName: 'taskpipe/prod/feishu' },
]);

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseNotifierConfig', () => {
  it('reads targets and defaults', () => {
    expect(parseNotifierConfig({ TASKPIPE_WEBHOOK_TARGETS: targets })).toEqual({
      targets: [
        { name: 'ops-slack', kind: 'slack', secretName: 'taskpipe/prod/slack' },
        { name: 'oncall-feishu', kind: 'feishu', secretName: 'taskpipe/prod/feishu' },
      ],
      timeoutMs: 5000,
      maxAttempts: 3,
      secretCacheTtlMs: 300_000,
      serviceName: 'taskpipe',
    });
  });

  it('reads the timeout and attempts', () => {
    const config = parseNotifierConfig({
      TASKPIPE_WEBHOOK_TARGETS: targets,
      TASKPIPE_WEBHOOK_TIMEOUT_MS: '2000',
      TASKPIPE_WEBHOOK_MAX_ATTEMPTS: '4',
    });

    expect(config).toMatchObject({ timeoutMs: 2000, maxAttempts: 4 });
  });

  it('lists every problem in one error', () => {
    const error = configError(() =>
      parseNotifierConfig({
        TASKPIPE_WEBHOOK_TARGETS: JSON.stringify([
          { name: 'x', kind: 'pager', secretName: 'https://hooks.slack.com/services/T/B/C' },
        ]),
        TASKPIPE_WEBHOOK_TIMEOUT_MS: '10',
      }),
    );

    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('TASKPIPE_WEBHOOK_TARGETS.0.kind');
    expect(error.message).toContain('never a webhook URL');
    expect(error.message).toContain('TASKPIPE_WEBHOOK_TIMEOUT_MS');
  });

  it('refuses missing targets, bad JSON and duplicate names', () => {
    expect(configError(() => parseNotifierConfig({})).message).toContain(
      'TASKPIPE_WEBHOOK_TARGETS',
    );
    expect(
      configError(() => parseNotifierConfig({ TASKPIPE_WEBHOOK_TARGETS: '[{' })).message,
    ).toContain('JSON array');
    const twice = JSON.stringify([
      { name: 'a', kind: 'slack', secretName: 's1' },
      { name: 'a', kind: 'teams', secretName: 's2' },
    ]);
    expect(
      configError(() => parseNotifierConfig({ TASKPIPE_WEBHOOK_TARGETS: twice })).message,
    ).toContain('unique');
  });
});

describe('parseLocalWebhook', () => {
  it('is absent without a URL', () => {
    expect(parseLocalWebhook({ TASKPIPE_WEBHOOK_KIND: 'slack' })).toBeUndefined();
  });

  it('serves the URL and signing secret from memory', async () => {
    const local = parseLocalWebhook({
      TASKPIPE_WEBHOOK_URL: 'http://127.0.0.1:9000/hook',
      TASKPIPE_WEBHOOK_KIND: 'dingtalk',
      TASKPIPE_WEBHOOK_SIGNING_SECRET: 'SEC1',
    });

    expect(local?.target).toEqual({ name: 'local', kind: 'dingtalk', secretName: 'local-webhook' });
    expect(await local?.secrets.getWebhookSecret('local-webhook')).toEqual({
      url: 'http://127.0.0.1:9000/hook',
      secret: 'SEC1',
    });
  });

  it('defaults to the generic kind and never echoes the URL in errors', () => {
    expect(parseLocalWebhook({ TASKPIPE_WEBHOOK_URL: 'https://example.com/h' })?.target.kind).toBe(
      'generic',
    );

    const error = configError(() =>
      parseLocalWebhook({
        TASKPIPE_WEBHOOK_URL: 'ftp://token-123@example.com',
        TASKPIPE_WEBHOOK_KIND: 'x',
      }),
    );

    expect(error.problems).toHaveLength(2);
    expect(error.message).not.toContain('token-123');
  });
});
