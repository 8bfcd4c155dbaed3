import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { emailSendRateNotes } from '../../definition/flowControl.js';
import {
  type PipelineConfig,
  type PipelineDefinitionInput,
  parsePipelineDefinition,
  type TaskPolicies,
} from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { PipelineMonitoring } from './PipelineMonitoring.js';
import { PipelineStorage, storageMismatches } from './PipelineStorage.js';
import { TaskApi } from './TaskApi.js';
import { TaskConsumer } from './TaskConsumer.js';
import { TaskDelays } from './TaskDelays.js';
import { TaskSchedules } from './TaskSchedules.js';

export interface TaskPipelineProps {
  /** The pipeline definition (DESIGN §2); validated against `registry` on construction. */
  readonly definition: PipelineDefinitionInput;
  /** The task types and their policies, normally `registry` from functions/tasks. */
  readonly registry: TaskPolicies;
  /**
   * The stateful resources, when they live elsewhere (a separate stack).
   * @default - a `PipelineStorage` is created inside this construct, with id `Storage`
   */
  readonly storage?: PipelineStorage;
  /**
   * The consumer's entry file, exporting `handler`.
   * @default functions/consumer/handler.ts in this repository
   */
  readonly consumerEntry?: string;
  /**
   * The api function's entry file, exporting `handler`.
   * @default functions/api/handler.ts in this repository
   */
  readonly apiEntry?: string;
  /**
   * The notifier's entry file, exporting `handler`.
   * @default functions/notifier/handler.ts in this repository
   */
  readonly notifierEntry?: string;
}

/**
 * A taskpipe pipeline: priority queues with DLQs, the task table, the consumer Lambda, the
 * schedules, the HTTP API, and its alarms and dashboard, all from one definition. Pass `storage` to keep the stateful
 * resources in another stack.
 */
export class TaskPipeline extends Construct {
  /** The validated definition, with defaults and derived settings resolved. */
  readonly config: PipelineConfig;
  readonly storage: PipelineStorage;
  readonly consumer: TaskConsumer;
  readonly schedules: TaskSchedules;
  readonly api: TaskApi;
  /** Long delays' schedule group and role, and the callback key grant. */
  readonly delays: TaskDelays;
  /** Alarm topic, alarms, notifier and dashboard. */
  readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: TaskPipelineProps) {
    super(scope, id);
    this.config = validate(props);
    this.storage = props.storage ?? new PipelineStorage(this, 'Storage', { config: this.config });
    this.consumer = new TaskConsumer(this, 'Consumer', {
      config: this.config,
      storage: this.storage,
      entry: props.consumerEntry,
    });
    for (const note of emailSendRateNotes(this.config, props.registry.definitions)) {
      Annotations.of(this.consumer).addWarningV2('taskpipe:email-send-rate-not-on-fifo', note);
    }
    this.schedules = new TaskSchedules(this, 'Schedules', {
      config: this.config,
      storage: this.storage,
    });
    this.api = new TaskApi(this, 'Api', {
      config: this.config,
      storage: this.storage,
      entry: props.apiEntry,
    });
    this.delays = new TaskDelays(this, 'Delays', {
      config: this.config,
      storage: this.storage,
      api: this.api.function,
      consumer: this.consumer.function,
    });
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      config: this.config,
      storage: this.storage,
      consumer: this.consumer.function,
      taskTypes: props.registry.types,
      taskTimeoutsMs: Object.fromEntries(
        props.registry.definitions.map((d) => [d.type, d.timeoutMs]),
      ),
      httpApiId: this.api.httpApi.apiId,
      notifierEntry: props.notifierEntry,
    });
    this.consumer.announceBreakersTo(this.monitoring.topic.topic);
    this.api.announceBreakersTo(this.monitoring.topic.topic);
  }
}

/** Every problem with the props, in one error. */
function validate(props: TaskPipelineProps): PipelineConfig {
  const config = parsePipelineDefinition(props.definition, props.registry);
  const problems = props.storage ? storageMismatches(config, props.storage) : [];
  if (problems.length) throw new ConfigError('invalid TaskPipeline props', problems);
  return config;
}
