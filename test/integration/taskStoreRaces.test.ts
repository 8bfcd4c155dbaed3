import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { payloadKey } from '../../functions/adapters/dynamodb/payloadItem.js';
import type { ClaimRequest } from '../../functions/core/ports.js';
import { backendFactories, TEST_CREDENTIALS, uniqueName } from '../helpers/backends.js';
import { useTaskTable } from '../helpers/taskTableSuite.js';

type Hook = (command: string, error: Error & { Item?: unknown }) => Promise<void>;

// Writes that lose a race: another writer acts between the failed condition and its answer.
describe.each(backendFactories)('task store races on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const table = useTaskTable(factory, 'task store races');

  /** A store whose client runs `hook` when a write's condition fails, before it answers. */
  function racedStore(id: string, hook: Hook) {
    const { backend } = table;
    const client = new DynamoDBClient({
      region: backend.region,
      endpoint: backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          const key = (args.input as { Key?: { id?: { S?: string } } }).Key?.id?.S;
          const failed = error as Error & { Item?: unknown };
          if (key === id && failed.name === 'ConditionalCheckFailedException') {
            await hook(context.commandName ?? '', failed);
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'raceAfterCondition' },
    );
    return new DynamoTaskStore({ client, tableName: table.tableName });
  }

  function claimRequest(leaseMs = 60_000): ClaimRequest {
    return {
      id: uniqueName('task'),
      type: 'mail.send',
      priority: 'default',
      maxAttempts: 3,
      enqueuedAt: Date.now(),
      leaseUntil: Date.now() + leaseMs,
    };
  }
  const error = { code: 'retryable', message: 'downstream down' };

  test('answers a claim that lost its race to a writer who freed the task as deferred', async () => {
    const holder = table.store();
    const request = claimRequest();
    await holder.claim(request);
    // The holder gives the task up after the racer's condition failed, before its re-read.
    const racer = racedStore(request.id, async (_command, failed) => {
      await holder.markRetrying(request.id, 1, error, Date.now());
      delete failed.Item;
    });

    const result = await racer.claim(request);

    expect(result).toMatchObject({
      kind: 'leased',
      leaseRemainingMs: 1_000,
      record: { status: 'RETRYING', attempts: 1 },
    });
    expect(await holder.get(request.id)).toMatchObject({ status: 'RETRYING', attempts: 1 });
  });

  test('calls a claim whose item vanished before the re-read a retryable store error', async () => {
    const holder = table.store();
    const request = claimRequest();
    await holder.claim(request);
    const racer = racedStore(request.id, async (_command, failed) => {
      await table.backend.dynamodb.send(
        new DeleteItemCommand({ TableName: table.tableName, Key: { id: { S: request.id } } }),
      );
      delete failed.Item;
    });

    await expect(racer.claim(request)).rejects.toMatchObject({
      code: 'store',
      operation: 'claim',
      taskId: request.id,
      retryable: true,
    });
  });

  // dynalite never returns the item with a failed condition (the store reads it instead).
  it.skipIf(factory.skipReason !== undefined || factory.name !== 'moto')(
    'answers from the item the failed condition returned, not from a later read',
    async () => {
      const holder = table.store();
      const request = claimRequest(60_000);
      await holder.claim(request);
      const racer = racedStore(request.id, async () => {
        await holder.markRetrying(request.id, 1, error, Date.now());
      });

      const result = await racer.claim(request);

      // The condition saw a live lease: the answer is its remaining time, not the raced 1 s.
      expect(result).toMatchObject({ kind: 'leased', record: { status: 'RUNNING' } });
      expect(result.kind === 'leased' && result.leaseRemainingMs).toBeGreaterThan(50_000);
    },
  );

  test('lets a store error on a large payload fail the create, never read as a duplicate', async () => {
    const { backend } = table;
    const id = uniqueName('task');
    const client = new DynamoDBClient({
      region: backend.region,
      endpoint: backend.dynamodbEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        // Only the payload's own item, written before the task's row.
        const key = (args.input as { Item?: { id?: { S?: string } } }).Item?.id?.S;
        if (context.commandName === 'PutItemCommand' && key === payloadKey(id)) {
          throw Object.assign(new Error('Throughput exceeds the current capacity.'), {
            name: 'ProvisionedThroughputExceededException',
            $fault: 'client',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttlePuts' },
    );
    const store = new DynamoTaskStore({ client, tableName: table.tableName });
    const task = {
      id,
      type: 'mail.send',
      priority: 'default',
      maxAttempts: 3,
      enqueuedAt: Date.now(),
      payloadJson: JSON.stringify({ body: 'x'.repeat(2_000) }),
    };

    await expect(store.create(task)).rejects.toMatchObject({
      code: 'store',
      operation: 'create',
      retryable: true,
    });
    expect(await table.store().get(id)).toBeUndefined();
  });
});
