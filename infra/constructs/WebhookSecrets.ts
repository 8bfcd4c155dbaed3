import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { WebhookDefinition } from '../../definition/index.js';
import { pascalCase } from './pascalCase.js';

/** What a created secret holds until its owner writes the real `{ url, secret? }`. */
export const WEBHOOK_SECRET_PLACEHOLDER = JSON.stringify({ url: '' });

export interface WebhookSecretsProps {
  /** Every webhook; a secret is made for those with `createSecret`. */
  readonly webhooks: readonly WebhookDefinition[];
}

/**
 * The webhook secrets the definition asks the stack to create, named as the definition
 * says, holding a placeholder without a URL. They hold what an operator writes, so they
 * belong with the stateful resources and are retained on stack deletion; the notifier
 * finds them by name.
 */
export class WebhookSecrets extends Construct {
  /** The created secrets, by webhook name. */
  readonly secrets: ReadonlyMap<string, Secret>;

  constructor(scope: Construct, id: string, props: WebhookSecretsProps) {
    super(scope, id);
    const secrets = new Map<string, Secret>();
    for (const hook of props.webhooks.filter((w) => w.createSecret)) {
      const secret = new Secret(this, pascalCase(hook.name), {
        secretName: hook.secretName,
        description: `Webhook "${hook.name}" (${hook.kind}): JSON { "url": "…", "secret": "…" (optional signing secret) }`,
        // A placeholder, not a secret: the real value is written after deployment and
        // CloudFormation leaves it alone while this property stays unchanged.
        secretStringValue: SecretValue.unsafePlainText(WEBHOOK_SECRET_PLACEHOLDER),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'A chat webhook URL (and its signing secret) is issued by the chat service; no rotation function can mint a new one, so it is replaced by hand when the service reissues it.',
      });
      secrets.set(hook.name, secret);
    }
    this.secrets = secrets;
  }
}
