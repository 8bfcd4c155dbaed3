import { PermanentError } from '../../core/errors.js';
import type { SigningKeys } from '../../core/ports.js';
import type { SecretsManagerProvider } from './SecretsManagerProvider.js';

/**
 * Callback signing keys on AWS: the text of the named Secrets Manager secret, read through
 * the cached provider. The client and the provider are loaded on the first callback, so a
 * pipeline that sends none pays no cold start for them.
 */
export class SecretsManagerKeys implements SigningKeys {
  #provider?: Promise<SecretsManagerProvider>;

  constructor(private readonly load: () => Promise<SecretsManagerProvider> = loadProvider) {}

  async key(secretName?: string): Promise<string> {
    if (!secretName) {
      throw new PermanentError(
        'this callback names no secret: on AWS, callback.secretName is required to sign it',
      );
    }
    this.#provider ??= this.load();
    return (await this.#provider).getSecretText(secretName);
  }
}

async function loadProvider(): Promise<SecretsManagerProvider> {
  const [{ SecretsManagerClient }, { SecretsManagerProvider }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('./SecretsManagerProvider.js'),
  ]);
  return new SecretsManagerProvider({ client: new SecretsManagerClient({}) });
}
