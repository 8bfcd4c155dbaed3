import type { Template } from 'aws-cdk-lib/assertions';
import type { TaskpipeStatefulStack, TaskpipeStatelessStack } from '../../infra/index.js';
import { logicalId, producedValue } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

/**
 * One priority's queues and consumer settings in one shape for both targets: queue
 * attributes as SQS names them (CreateQueue strings), the redrive target named by
 * priority, and the event source / poller settings.
 */
export interface QueueAgreement {
  queue: Record<string, unknown>;
  deadLetterQueue: Record<string, unknown>;
  consumer: {
    batchSize: number;
    batchingWindowSeconds: number;
    maxConcurrency: number;
    functionTimeoutSeconds: number;
  };
}

/**
 * Encryption is the one thing the emulator cannot have (it has no KMS): left out here, and
 * proven on the template alone by stateful.test.ts.
 */
const ENCRYPTION = new Set([
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
]);

/** A CloudFormation AWS::SQS::Queue's properties as CreateQueue attributes. */
function asAttributes(properties: Json, dlqNames: Map<string, string>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (ENCRYPTION.has(name)) continue;
    if (name === 'RedrivePolicy') {
      const target = JSON.stringify(value.deadLetterTargetArn);
      attributes.RedrivePolicy = {
        deadLetterTargetArn: dlqNames.get(target) ?? target,
        maxReceiveCount: value.maxReceiveCount,
      };
    } else attributes[name] = String(value);
  }
  return attributes;
}

/** What the synthesized stacks deploy, per priority. */
export function deployedQueues(
  synth: {
    stateful: TaskpipeStatefulStack;
    stateless: TaskpipeStatelessStack;
    statefulTemplate: Template;
    statelessTemplate: Template;
  },
  dlqName: (priority: string) => string,
): Record<string, QueueAgreement> {
  const { storage } = synth.stateful;
  const queues = synth.statefulTemplate.toJSON().Resources as Json;
  const stateless = synth.statelessTemplate.toJSON().Resources as Json;
  const getArn = (id: string) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
  const dlqNames = new Map(
    storage.queues.map((q) => [getArn(logicalId(q.deadLetterQueue)), dlqName(q.priority)]),
  );
  const { consumer } = synth.stateless.pipeline;
  const timeout = stateless[logicalId(consumer.function)].Properties.Timeout as number;
  const mappings = Object.values(stateless).filter(
    (r: Json) => r.Type === 'AWS::Lambda::EventSourceMapping',
  ) as Json[];

  const result: Record<string, QueueAgreement> = {};
  for (const q of storage.queues) {
    const queueArn = getArn(logicalId(q.queue));
    const mapping = mappings.filter(
      (m) =>
        JSON.stringify(producedValue(synth.statefulTemplate, m.Properties.EventSourceArn)) ===
        queueArn,
    );
    if (mapping.length !== 1) throw new Error(`${mapping.length} event sources for ${q.priority}`);
    const esm = mapping[0]!.Properties;
    result[q.priority] = {
      queue: asAttributes(queues[logicalId(q.queue)].Properties, dlqNames),
      deadLetterQueue: asAttributes(queues[logicalId(q.deadLetterQueue)].Properties, dlqNames),
      consumer: {
        batchSize: esm.BatchSize,
        batchingWindowSeconds: esm.MaximumBatchingWindowInSeconds ?? 0,
        maxConcurrency: esm.ScalingConfig?.MaximumConcurrency,
        functionTimeoutSeconds: timeout,
      },
    };
  }
  return result;
}

/** CreateQueue attributes with the redrive policy parsed and its target named by priority. */
export function readable(attributes: Record<string, string>, dlqNames: Map<string, string>) {
  const { RedrivePolicy, ...rest } = attributes;
  if (!RedrivePolicy) return rest;
  const policy = JSON.parse(RedrivePolicy) as { deadLetterTargetArn: string };
  const target = dlqNames.get(policy.deadLetterTargetArn) ?? policy.deadLetterTargetArn;
  return { ...rest, RedrivePolicy: { ...policy, deadLetterTargetArn: target } };
}

/** Every setting where the two targets differ, as `priority.part.name: local … / AWS …`. */
export function drift(local: Record<string, QueueAgreement>, aws: Record<string, QueueAgreement>) {
  const out: string[] = [];
  for (const priority of new Set([...Object.keys(local), ...Object.keys(aws)])) {
    for (const part of ['queue', 'deadLetterQueue', 'consumer'] as const) {
      const [l, a] = [local[priority]?.[part] ?? {}, aws[priority]?.[part] ?? {}];
      for (const key of new Set([...Object.keys(l), ...Object.keys(a)])) {
        const [lv, av] = [
          JSON.stringify(l[key as keyof typeof l]),
          JSON.stringify(a[key as keyof typeof a]),
        ];
        if (lv !== av) out.push(`${priority}.${part}.${key}: local ${lv} / AWS ${av}`);
      }
    }
  }
  return out;
}
