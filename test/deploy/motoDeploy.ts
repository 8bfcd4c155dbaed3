import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/backend.js';

/** The account moto answers as. */
export const MOTO_ACCOUNT = '123456789012';
/** The bootstrap qualifier of CDK's default synthesizer. */
const QUALIFIER = 'hnb659fds';
const STACK_TIMEOUT_MS = 60_000;

export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: TEST_REGION,
  credentials: { ...TEST_CREDENTIALS },
});

/** Fills in CloudFormation's `${AWS::AccountId}` and `${AWS::Region}` as moto has them. */
const substitute = (text: string) =>
  text.replace(/\$\{AWS::AccountId\}/g, MOTO_ACCOUNT).replace(/\$\{AWS::Region\}/g, TEST_REGION);

/**
 * What `cdk bootstrap` would leave that a deploy reads: the bootstrap version parameter
 * (create-stack fails without it) and the asset bucket.
 */
export async function bootstrap(endpoint: string): Promise<void> {
  const ssm = new SSMClient(clientConfig(endpoint));
  await ssm.send(
    new PutParameterCommand({
      Name: `/cdk-bootstrap/${QUALIFIER}/version`,
      Value: '30',
      Type: 'String',
      Overwrite: true,
    }),
  );
  ssm.destroy();
  const s3 = new S3Client({ ...clientConfig(endpoint), forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: substitute(`cdk-${QUALIFIER}-assets-\${AWS::AccountId}-\${AWS::Region}`),
    }),
  );
  s3.destroy();
}

interface AssetManifest {
  files: Record<
    string,
    {
      source: { path: string; packaging: 'zip' | 'file' };
      destinations: Record<string, { bucketName: string; objectKey: string }>;
    }
  >;
}

/** Zips and uploads a stack's code assets, as `cdk deploy` publishes them. */
export async function publishAssets(endpoint: string, outdir: string, stack: string) {
  const manifest = JSON.parse(
    readFileSync(join(outdir, `${stack}.assets.json`), 'utf8'),
  ) as AssetManifest;
  const s3 = new S3Client({ ...clientConfig(endpoint), forcePathStyle: true });
  for (const [hash, file] of Object.entries(manifest.files)) {
    if (file.source.packaging !== 'zip') continue;
    const archive = join(outdir, `${hash}-upload`);
    // Python is there wherever moto is; its zipfile puts the bundle at the archive root.
    execFileSync('python3', [
      '-c',
      'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2])',
      archive,
      join(outdir, file.source.path),
    ]);
    for (const destination of Object.values(file.destinations)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: substitute(destination.bucketName),
          Key: destination.objectKey,
          Body: readFileSync(`${archive}.zip`),
        }),
      );
    }
  }
  s3.destroy();
}

/** Creates a stack and waits for it; resolves to its outputs, or throws with the events. */
export async function createStack(
  endpoint: string,
  name: string,
  template: unknown,
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(clientConfig(endpoint));
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify(template),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      }),
    );
    const deadline = Date.now() + STACK_TIMEOUT_MS;
    for (;;) {
      const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      const stack = Stacks[0];
      const status = stack?.StackStatus ?? 'UNKNOWN';
      if (status === 'CREATE_COMPLETE') {
        return Object.fromEntries(
          (stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
        );
      }
      if (!status.endsWith('_IN_PROGRESS') || Date.now() > deadline) {
        const { StackEvents = [] } = await cfn.send(
          new DescribeStackEventsCommand({ StackName: name }),
        );
        const failed = StackEvents.filter((e) => e.ResourceStatusReason).map(
          (e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`,
        );
        throw new Error(`stack ${name} ended ${status}: ${failed.join('; ')}`);
      }
      await delay(100);
    }
  } finally {
    cfn.destroy();
  }
}
