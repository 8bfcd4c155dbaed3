import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import * as z from 'zod';
import type { QueueRoute } from '../functions/core/ports.js';
import { toCliError, UnreachableError } from './errors.js';
import { statelessStackName } from './stackNames.js';

/** What the CLI needs from the stateful stack's outputs (infra/stacks/TaskpipeStatefulStack.ts). */
export interface StackResources {
  tableName: string;
  routes: QueueRoute[];
}

const queuesOutputSchema = z.array(
  z.object({
    priority: z.string().min(1),
    url: z.url(),
    dlqUrl: z.url(),
    fifo: z.boolean().default(false),
  }),
);

/** The queue's name is the last segment of its URL (…/ACCOUNT/NAME). */
const queueName = (url: string) => new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? url;

/** Reads the `Queues` and `TaskTableName` outputs of `stackName` with the standard credentials. */
export async function readStackResources(
  stackName: string,
  region: string | undefined,
): Promise<StackResources & { region: string }> {
  const cfn = new CloudFormationClient(region ? { region } : {});
  try {
    const { outputs, region: resolvedRegion } = await readOutputs(cfn, stackName);
    const tableName = outputs.get('TaskTableName');
    const queuesJson = outputs.get('Queues');
    if (!tableName || !queuesJson) {
      throw new UnreachableError(
        `stack ${stackName} has no TaskTableName or Queues output; pass the stateful stack (TaskpipeStateful by default)`,
      );
    }
    const parsed = queuesOutputSchema.safeParse(safeJson(queuesJson));
    if (!parsed.success) {
      throw new UnreachableError(`stack ${stackName}: the Queues output is not the expected JSON`);
    }
    const routes = parsed.data.map((q) => ({
      priority: q.priority,
      name: queueName(q.url),
      url: q.url,
      dlqUrl: q.dlqUrl,
      fifo: q.fifo,
    }));
    return { tableName, routes, region: resolvedRegion };
  } finally {
    cfn.destroy();
  }
}

/**
 * The alarm topic of the stateless stack beside `statefulStack` (its `AlarmTopicArn`
 * output), where breakers moved by hand are announced.
 */
export async function readAlarmTopicArn(
  cfn: CloudFormationClient,
  statefulStack: string,
): Promise<string> {
  const stackName = statelessStackName(statefulStack);
  const { outputs } = await readOutputs(cfn, stackName);
  const arn = outputs.get('AlarmTopicArn');
  if (!arn) {
    throw new UnreachableError(
      `stack ${stackName} has no AlarmTopicArn output; the alarm topic is looked for in the stateless stack named after the stateful one (…Stateful → …Stateless)`,
    );
  }
  return arn;
}

/** One stack's outputs by key, and the region they were read in; errors as one CLI line. */
async function readOutputs(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<{ outputs: Map<string, string>; region: string }> {
  try {
    const region = await cfn.config.region();
    const out = await cfn
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .catch((error: unknown) => {
        if (error instanceof CloudFormationServiceException && error.name === 'ValidationError') {
          throw new UnreachableError(
            `stack ${stackName} not found in ${region} (${error.message}); check --stack and --region`,
          );
        }
        throw toCliError(error, `CloudFormation in ${region}`);
      });
    const outputs = new Map(
      (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
    return { outputs, region };
  } catch (error) {
    if (error instanceof Error && /region is missing/i.test(error.message)) {
      throw new UnreachableError('no AWS region: pass --region or set AWS_REGION', {
        cause: error,
      });
    }
    throw toCliError(error, `stack ${stackName}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
