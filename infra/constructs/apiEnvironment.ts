import type { IConstruct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { type Naming, nodeOptions, storageEnvironment } from './consumerEnvironment.js';
import type { PipelineStorage } from './PipelineStorage.js';

/**
 * The api function's environment, as functions/api/config.ts parses it (plus the
 * Powertools log level and source maps). Configuration only, never a secret.
 */
export function apiEnvironment(
  scope: IConstruct,
  config: PipelineConfig,
  storage: PipelineStorage,
  naming: Naming = 'deployed',
): Record<string, string> {
  return {
    // Task items written by the API expire like the consumer's.
    ...storageEnvironment(scope, config, storage, naming),
    TASKPIPE_MAX_PAYLOAD_BYTES: String(config.api.maxPayloadBytes),
    POWERTOOLS_SERVICE_NAME: `${config.name}-api`,
    POWERTOOLS_LOG_LEVEL: config.api.logLevel,
    // Only when on: the 4 KB environment is shared with up to ten queues.
    ...(config.table.typeIndex ? { TASKPIPE_TYPE_INDEX: '1' } : {}),
    ...nodeOptions(config.sourceMaps),
  };
}
