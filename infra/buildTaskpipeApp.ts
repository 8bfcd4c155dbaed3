import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PipelineDefinitionInput, TaskPolicies } from '../definition/index.js';
import { TaskpipeStatefulStack } from './stacks/TaskpipeStatefulStack.js';
import { TaskpipeStatelessStack } from './stacks/TaskpipeStatelessStack.js';

export interface TaskpipeAppOptions {
  readonly definition: PipelineDefinitionInput;
  readonly registry: TaskPolicies;
  /** @default - environment-agnostic stacks */
  readonly env?: Environment;
  /**
   * Protect the stateful stack from deletion.
   * @default true
   */
  readonly terminationProtection?: boolean;
  /** @default functions/consumer/handler.ts */
  readonly consumerEntry?: string;
  /** @default functions/api/handler.ts */
  readonly apiEntry?: string;
  /**
   * Run the cdk-nag AwsSolutions checks at synthesis.
   * @default true
   */
  readonly nag?: boolean;
}

/** Stack ids are part of the deployed contract: renaming one replaces its resources. */
export const STATEFUL_STACK_ID = 'TaskpipeStateful';
export const STATELESS_STACK_ID = 'TaskpipeStateless';

/** Adds the taskpipe stacks, and the cdk-nag checks, to `app`. */
export function buildTaskpipeApp(app: App, options: TaskpipeAppOptions) {
  const { definition, registry, env } = options;
  const stateful = new TaskpipeStatefulStack(app, STATEFUL_STACK_ID, {
    env,
    definition,
    registry,
    terminationProtection: options.terminationProtection ?? true,
    description: 'taskpipe: queues, dead-letter queues, task table (stateful)',
  });
  const stateless = new TaskpipeStatelessStack(app, STATELESS_STACK_ID, {
    env,
    definition,
    registry,
    storage: stateful.storage,
    consumerEntry: options.consumerEntry,
    apiEntry: options.apiEntry,
    description: 'taskpipe: consumer function, event sources, schedules, HTTP API (stateless)',
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
