import {
  CreateEmailIdentityCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import type { Backend } from '../../helpers/backend.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';

/** The messages moto kept, as its data endpoint lists them. */
export interface MotoMail {
  simple: {
    id: string;
    source: string;
    subject: string;
    body: string;
    destinations: Record<string, string[]>;
  }[];
  raw: { id: string; source: string; raw_data: string; destinations: string[] }[];
}

/** What moto's SES backend holds now. */
export async function motoMail(backend: Backend): Promise<MotoMail> {
  const data = (await (await fetch(`${backend.sqsEndpoint}/moto-api/data.json`)).json()) as {
    ses?: { Message?: MotoMail['simple']; RawMessage?: MotoMail['raw'] };
  };
  return { simple: data.ses?.Message ?? [], raw: data.ses?.RawMessage ?? [] };
}

/** An SES v2 client for moto; `throttle` answers the next N sends with TooManyRequests. */
export function sesClient(backend: Backend, throttle = { next: 0 }): SESv2Client {
  const client = new SESv2Client({
    region: TEST_REGION,
    endpoint: backend.sqsEndpoint,
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
  });
  // moto does not emulate SES's maximum send rate: the fault is injected before the request.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendEmailCommand' && throttle.next > 0) {
        throttle.next -= 1;
        throw new TooManyRequestsException({
          message: 'Maximum sending rate exceeded.',
          $metadata: { httpStatusCode: 429 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
  return client;
}

/** Verifies `domain` as a sending identity (moto verifies at once). */
export async function verifyDomain(client: SESv2Client, domain: string): Promise<void> {
  await client.send(new CreateEmailIdentityCommand({ EmailIdentity: domain }));
}
