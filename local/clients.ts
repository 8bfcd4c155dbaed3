import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export const LOCAL_REGION = 'us-east-1';
// The emulators accept any keys; fixed ones keep the SDK away from a real credential chain.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** SDK clients for the local emulators. */
export function localClients(endpoints: { sqs: string; dynamodb: string }): {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
} {
  const common = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
  return {
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
  };
}
