import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { buildApp } from 'fauxqs';
import { DataDirError } from './DataDirError.js';

/** One message as fauxqs 1.9 holds it; saved and restored field for field. */
export interface FauxqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<
    string,
    { DataType: string; StringValue?: string; BinaryValue?: string }
  >;
  md5OfMessageAttributes: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  delayUntil?: number;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
}

export interface FauxqsInflight {
  message: FauxqsMessage;
  receiptHandle: string;
  visibilityDeadline: number;
}

/** The part of fauxqs's queue object that persistence reads and fills. */
export interface FauxqsQueue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  messages: FauxqsMessage[];
  delayedMessages: FauxqsMessage[];
  inflightMessages: Map<string, FauxqsInflight>;
  fifoMessages: Map<string, FauxqsMessage[]>;
  fifoDelayed: Map<string, FauxqsMessage[]>;
  fifoLockedGroups: Map<string, number>;
  sequenceCounter: number;
  isFifo(): boolean;
  enqueue(message: FauxqsMessage): void;
  dequeue(...args: unknown[]): { MessageId: string }[];
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
  purge(): void;
  setAttributes(attributes: Record<string, string>): void;
}

/** fauxqs calls `addMessage` on a store's spy for every enqueue, delete and DLQ move. */
export interface FauxqsSpy {
  addMessage(event: {
    service: string;
    queueName?: string;
    messageId?: string;
    status: string;
  }): void;
}

export interface FauxqsSqsStore {
  spy?: FauxqsSpy;
  createQueue(
    name: string,
    url: string,
    arn: string,
    attributes?: Record<string, string>,
    tags?: Record<string, string>,
  ): FauxqsQueue;
  deleteQueue(url: string): boolean;
  getQueueByName(name: string): FauxqsQueue | undefined;
  listQueues(): FauxqsQueue[];
  buildQueueUrl(name: string, port: string, requestHost: string, region: string): string;
}

export type FauxqsStores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

/**
 * Builds the three stores `buildApp` accepts, with the SQS store typed for persistence.
 * fauxqs exports only `buildApp`, so the store classes are loaded from its files; the
 * version is pinned, and a shape check turns an incompatible upgrade into a clear error.
 */
export async function createFauxqsStores(): Promise<{
  stores: FauxqsStores;
  sqs: FauxqsSqsStore;
}> {
  const dist = fauxqsDist();
  const load = async (file: string) =>
    (await import(pathToFileURL(join(dist, file)).href)) as Record<string, new () => unknown>;
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
  ]);
  if (!SqsStore || !SnsStore || !S3Store) throw incompatible('store classes not found');
  const sqs = new SqsStore() as FauxqsSqsStore;
  checkShape(sqs);
  const stores = { sqsStore: sqs, snsStore: new SnsStore(), s3Store: new S3Store() };
  return { stores: stores as unknown as FauxqsStores, sqs };
}

function fauxqsDist(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('fauxqs') ?? []) {
    const dist = join(dir, 'fauxqs', 'dist');
    if (existsSync(join(dist, 'sqs', 'sqsStore.js'))) return dist;
  }
  throw incompatible('fauxqs/dist/sqs/sqsStore.js not found');
}

function checkShape(store: FauxqsSqsStore): void {
  const probe = store.createQueue('taskpipe-shape-probe', 'probe', 'arn:probe');
  store.deleteQueue('probe');
  const fields = [
    probe.messages,
    probe.delayedMessages,
    probe.inflightMessages,
    probe.fifoMessages,
    probe.fifoDelayed,
    probe.fifoLockedGroups,
  ];
  const methods = [
    probe.enqueue,
    probe.dequeue,
    probe.changeVisibility,
    probe.purge,
    probe.setAttributes,
  ];
  if (fields.some((f) => f === undefined) || methods.some((m) => typeof m !== 'function'))
    throw incompatible('its queue object has changed');
}

const incompatible = (why: string) =>
  new DataDirError(
    `--data-dir needs fauxqs 1.9.x (queue state is saved from its store): ${why}; reinstall with npm ci`,
  );
