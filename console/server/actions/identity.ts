import { userInfo } from 'node:os';

/** The local operator: the OS user running the console. */
export function osUser(): Promise<string> {
  return Promise.resolve(`os-user:${userInfo().username}`);
}

/** The AWS caller whose credentials the console uses (STS GetCallerIdentity's ARN). */
export async function awsCaller(region: string): Promise<string> {
  // Loaded only for a stack, as the other AWS-only clients.
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return Arn ?? 'unknown AWS caller';
  } finally {
    sts.destroy();
  }
}
