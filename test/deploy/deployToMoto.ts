import { join } from 'node:path';
import {
  type PipelineDefinitionInput,
  pipelineDefinition,
  type TaskPolicies,
} from '../../definition/index.js';
import { registry } from '../../functions/tasks/index.js';
import { startMoto } from '../helpers/moto.js';
import { synthTaskpipe, tempDir } from '../infra/fixtures.js';
import { bootstrap, createStack, publishAssets } from './motoDeploy.js';
import { forMoto, type LeftOut } from './motoTemplate.js';

/** Both stacks as deployed into moto, and where the consumer's bundle lies. */
export interface Deployment {
  endpoint: string;
  /** The stateful stack's outputs. */
  stateful: Record<string, string>;
  /** The stateless stack's outputs. */
  stateless: Record<string, string>;
  /** Resources left out for moto (see `forMoto`). */
  leftOut: LeftOut;
  /** The staged consumer asset: the directory that holds its `index.mjs`. */
  consumerAsset: string;
  stop(): Promise<void>;
}

/**
 * Synthesizes both stacks with real bundling and creates them in a fresh moto, as
 * `cdk deploy` would: bootstrap parameter and bucket, assets zipped and uploaded, the
 * stateful stack first, then the stateless one with the stateful outputs in place.
 */
export async function deployToMoto(
  definition: PipelineDefinitionInput = pipelineDefinition,
): Promise<Deployment> {
  const outdir = tempDir('deploy');
  const synth = synthTaskpipe({
    bundle: true,
    outdir,
    definition,
    registry: registry as TaskPolicies,
    consumerEntry: undefined,
    apiEntry: undefined,
  });
  const consumer = synth.stateless.pipeline.consumer.function;
  const { S3Key } = synth.statelessTemplate.toJSON().Resources[
    synth.stateless.getLogicalId(consumer.node.defaultChild as never)
  ].Properties.Code as { S3Key: string };
  const moto = await startMoto();
  try {
    const endpoint = moto.sqsEndpoint;
    await bootstrap(endpoint);
    for (const stack of [synth.stateful, synth.stateless]) {
      await publishAssets(endpoint, outdir, stack.artifactId);
    }
    const statefulTemplate = forMoto(synth.statefulTemplate.toJSON(), {});
    const stateful = await createStack(
      endpoint,
      synth.stateful.stackName,
      statefulTemplate.template,
    );
    const statelessTemplate = forMoto(synth.statelessTemplate.toJSON(), {
      [synth.stateful.stackName]: stateful,
    });
    const stateless = await createStack(
      endpoint,
      synth.stateless.stackName,
      statelessTemplate.template,
    );
    return {
      endpoint,
      stateful,
      stateless,
      leftOut: { ...statefulTemplate.leftOut, ...statelessTemplate.leftOut },
      consumerAsset: join(outdir, `asset.${S3Key.replace(/\.zip$/, '')}`),
      stop: () => moto.stop(),
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}
