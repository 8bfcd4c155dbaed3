import { inspect } from 'node:util';
import {
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerProvider } from '../../../functions/adapters/secrets/SecretsManagerProvider.js';
import { WebhookSecretError } from '../../../functions/notifier/errors.js';

type Answer = Partial<GetSecretValueCommandOutput> | Error;

/**
 * A real SecretsManagerClient whose requests stop at the SDK edge: a build-step middleware
 * sees the serialised request and answers instead of the network.
 */
function stubbedClient(answer: (secretId: string) => Answer) {
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
  const requested: string[] = [];
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: string };
      expect(request.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      const { SecretId } = JSON.parse(request.body) as { SecretId: string };
      requested.push(SecretId);
      const out = answer(SecretId);
      if (out instanceof Error) throw out;
      return { output: { $metadata: {}, ...out }, response: {} };
    },
    { step: 'build', name: 'answerAtTheEdge' },
  );
  return { client, requested };
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function secretError(promise: Promise<unknown>): Promise<WebhookSecretError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookSecretError) return error;
    throw error;
  }
  throw new Error('expected a WebhookSecretError');
}

// Everything an error could show: message, stack, details, cause chain.
const everythingIn = (error: Error) => `${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXXVERYSECRET';

describe('SecretsManagerProvider', () => {
  it('reads and parses a webhook secret, then serves it from memory until the TTL ends', async () => {
    const { client, requested } = stubbedClient(() => ({
      SecretString: JSON.stringify({ url: SLACK_URL, secret: 'SIGN' }),
    }));
    const time = clock();
    const provider = new SecretsManagerProvider({ client, ttlMs: 60_000, clock: time });

    expect(await provider.getWebhookSecret('taskpipe/slack')).toEqual({
      url: SLACK_URL,
      secret: 'SIGN',
    });
    time.advance(59_999);
    await provider.getWebhookSecret('taskpipe/slack');
    expect(requested).toEqual(['taskpipe/slack']);

    time.advance(1);
    await provider.getWebhookSecret('taskpipe/slack');
    expect(requested).toEqual(['taskpipe/slack', 'taskpipe/slack']);
  });

  it('shares one call between concurrent lookups and caches per name', async () => {
    const { client, requested } = stubbedClient((id) => ({
      SecretString: JSON.stringify({ url: `https://example.com/${id}` }),
    }));
    const provider = new SecretsManagerProvider({ client, clock: clock() });

    const [a, b, c] = await Promise.all([
      provider.getWebhookSecret('a'),
      provider.getWebhookSecret('a'),
      provider.getWebhookSecret('b'),
    ]);

    expect(a).toEqual({ url: 'https://example.com/a' });
    expect(b).toBe(a);
    expect(c).toEqual({ url: 'https://example.com/b' });
    expect(requested.sort()).toEqual(['a', 'b']);
  });

  it('names a missing secret, and does not cache the failure', async () => {
    let exists = false;
    const { client, requested } = stubbedClient(() =>
      exists
        ? { SecretString: JSON.stringify({ url: SLACK_URL }) }
        : new ResourceNotFoundException({
            message: "Secrets Manager can't find the specified secret.",
            $metadata: {},
          }),
    );
    const provider = new SecretsManagerProvider({ client, clock: clock() });

    const error = await secretError(provider.getWebhookSecret('taskpipe/prod/teams'));

    expect(error.problem).toBe('missing');
    expect(error.secretName).toBe('taskpipe/prod/teams');
    expect(error.message).toBe(
      'webhook secret "taskpipe/prod/teams" does not exist in Secrets Manager',
    );
    exists = true;
    expect(await provider.getWebhookSecret('taskpipe/prod/teams')).toEqual({ url: SLACK_URL });
    expect(requested).toHaveLength(2);
  });

  it('reports an unreadable secret (access denied) as retryable, by name', async () => {
    const { client } = stubbedClient(
      () =>
        new SecretsManagerServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: {},
          message: 'User is not authorized to perform: secretsmanager:GetSecretValue',
        }),
    );
    const provider = new SecretsManagerProvider({ client });

    const error = await secretError(provider.getWebhookSecret('taskpipe/x'));

    expect(error).toMatchObject({ problem: 'unreadable', retryable: true, code: 'config' });
    expect(error.message).toContain('"taskpipe/x"');
    expect(error.message).toContain('AccessDeniedException');
  });

  it.each([
    ['not JSON', SLACK_URL],
    ['JSON without a url', JSON.stringify({ webhook: SLACK_URL, secret: 'XXXXVERYSECRET' })],
    ['a url that is not http(s)', JSON.stringify({ url: 'javascript:XXXXVERYSECRET' })],
    ['an empty signing secret', JSON.stringify({ url: SLACK_URL, secret: '' })],
  ])('rejects %s, naming the secret and never showing its value', async (_what, value) => {
    const { client } = stubbedClient(() => ({ SecretString: value }));
    const provider = new SecretsManagerProvider({ client });

    const error = await secretError(provider.getWebhookSecret('taskpipe/prod/slack'));

    expect(error.problem).toBe('malformed');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('"taskpipe/prod/slack"');
    expect(everythingIn(error)).not.toContain('XXXXVERYSECRET');
    expect(everythingIn(error)).not.toContain('hooks.slack.com');
  });

  it('rejects a binary secret', async () => {
    const { client } = stubbedClient(() => ({ SecretBinary: new Uint8Array([1, 2, 3]) }));
    const provider = new SecretsManagerProvider({ client });

    expect((await secretError(provider.getWebhookSecret('bin'))).message).toContain('binary');
  });
});

describe('SecretsManagerProvider.getSecretText (callback keys)', () => {
  it('answers the whole text, one call per name while it is fresh', async () => {
    const { client, requested } = stubbedClient((id) => ({ SecretString: `key-of-${id}` }));
    const provider = new SecretsManagerProvider({ client, clock: clock() });
    expect(await provider.getSecretText('k')).toBe('key-of-k');
    expect(await provider.getSecretText('k')).toBe('key-of-k');
    expect(requested).toEqual(['k']);
  });
});
