import { Annotations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { AlarmNotifier } from './AlarmNotifier.js';
import { AlarmTopic } from './AlarmTopic.js';
import type { PipelineStorage } from './PipelineStorage.js';
import { TaskAlarms } from './TaskAlarms.js';
import { TaskDashboard } from './TaskDashboard.js';

export interface PipelineMonitoringProps {
  /** The validated, resolved pipeline definition: its alarms, webhooks and notifier. */
  readonly config: PipelineConfig;
  /** The queues and DLQs to watch. */
  readonly storage: PipelineStorage;
  /** The consumer function. */
  readonly consumer: IFunction;
  /** The registered task types. */
  readonly taskTypes: readonly string[];
  /** Each task type's timeoutMs, for the p99-near-timeout alarm. */
  readonly taskTimeoutsMs?: Readonly<Record<string, number>>;
  /**
   * The HTTP API to watch and graph.
   * @default - no API alarm or graph
   */
  readonly httpApiId?: string;
  /**
   * The notifier's entry file, exporting `handler`.
   * @default functions/notifier/handler.ts in this repository
   */
  readonly notifierEntry?: string;
}

/**
 * What tells an operator that the pipeline needs them: the alarm topic, the alarms, the
 * notifier that posts them to chat (only when the definition names webhooks), and the
 * dashboard.
 */
export class PipelineMonitoring extends Construct {
  readonly topic: AlarmTopic;
  readonly alarms: TaskAlarms;
  /** Absent when the definition has no webhooks. */
  readonly notifier?: AlarmNotifier;
  readonly dashboard: TaskDashboard;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const { config } = props;
    this.topic = new AlarmTopic(this, 'AlarmTopic', { name: config.name });
    this.alarms = new TaskAlarms(this, 'Alarms', {
      config,
      storage: props.storage,
      consumer: props.consumer,
      taskTypes: props.taskTypes,
      ...(props.taskTimeoutsMs ? { taskTimeoutsMs: props.taskTimeoutsMs } : {}),
      topic: this.topic.topic,
      httpApiId: props.httpApiId,
    });
    if (config.webhooks.length > 0) {
      this.notifier = new AlarmNotifier(this, 'Notifier', {
        name: config.name,
        topic: this.topic.topic,
        webhooks: config.webhooks,
        settings: config.notifier,
        sourceMaps: config.sourceMaps,
        alarmFactory: this.alarms.factory,
        entry: props.notifierEntry,
      });
    } else {
      // The default definition routes alarms nowhere: say so at every synth until it does.
      Annotations.of(this).addWarningV2(
        'taskpipe:alarms-reach-no-chat',
        'no webhooks in the pipeline definition: alarms reach the SNS topic but no chat. Add one under `webhooks` in definition/pipeline.ts (docs/deploy.md, "Alarms to chat").',
      );
    }
    this.dashboard = new TaskDashboard(this, 'Dashboard', {
      name: config.name,
      storage: props.storage,
      consumer: props.consumer,
      httpApiId: props.httpApiId,
      alarms: this.alarms.alarms,
    });
  }
}
