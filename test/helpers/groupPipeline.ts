import { afterAll, beforeAll } from 'vitest';
import { DynamoGroupStore } from '../../functions/adapters/dynamodb/DynamoGroupStore.js';
import type { Backend, BackendFactory } from './backends.js';
import { createPipeline, type Pipeline } from './consumerHarness.js';

/** A backend with a pipeline and a group store on its table; read the fields inside tests. */
export interface GroupPipeline {
  backend: Backend;
  p: Pipeline;
  groups: DynamoGroupStore;
}

/**
 * Starts `factory`'s backend with a pipeline before the suite and stops it after. A backend
 * that cannot run here is left unstarted (the suite's tests skip on its `skipReason`).
 */
export function useGroupPipeline(factory: BackendFactory): GroupPipeline {
  const fixture = {} as GroupPipeline;
  beforeAll(async () => {
    if (factory.skipReason) return;
    fixture.backend = await factory.start();
    fixture.p = await createPipeline(fixture.backend);
    fixture.groups = new DynamoGroupStore({
      client: fixture.backend.dynamodb,
      tableName: fixture.p.tableName,
    });
  }, 60_000);
  afterAll(async () => fixture.backend?.stop());
  return fixture;
}
