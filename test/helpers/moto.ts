import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Backend, createClients, TEST_CREDENTIALS, TEST_REGION } from './backend.js';

const MOTO_COMMAND = 'moto_server';
/** Readiness probes: moto imports lazily and is usually up within a second or two. */
const READY_ATTEMPTS = 300;
const READY_INTERVAL_MS = 50;
const STOP_GRACE_MS = 5_000;

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether `moto_server` can be started here. */
export function motoAvailability(): { available: true } | { available: false; reason: string } {
  if (findOnPath(MOTO_COMMAND)) return { available: true };
  return {
    available: false,
    reason: `${MOTO_COMMAND} is not installed (not on PATH); install it with \`pip install "moto[server]"\``,
  };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Keeps the tail of the child's output for error messages, and drains its pipes. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string) {
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${MOTO_COMMAND} exited (${child.exitCode ?? child.signalCode}):\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // connection refused until the server has bound its port
    }
    await delay(READY_INTERVAL_MS);
  }
  throw new Error(
    `${MOTO_COMMAND} did not answer at ${endpoint} after ${READY_ATTEMPTS} probes:\n${output()}`,
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  if (gone) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts one `moto_server` child process on a free loopback port, serving SQS and DynamoDB. */
export async function startMoto(): Promise<Backend> {
  const availability = motoAvailability();
  if (!availability.available) {
    const required = process.env.CI ? ' (CI is set: the moto backend is required there)' : '';
    throw new Error(`cannot start moto: ${availability.reason}${required}`);
  }

  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_COMMAND, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const output = captureOutput(child);
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => {}); // observed through the race below

  try {
    await Promise.race([waitUntilReady(endpoint, child, output), spawnFailed]);
  } catch (error) {
    process.off('exit', killOnExit);
    await stopChild(child);
    throw error;
  }

  const { sqs, dynamodb } = createClients(endpoint, endpoint);
  return {
    name: 'moto',
    region: TEST_REGION,
    sqsEndpoint: endpoint,
    dynamodbEndpoint: endpoint,
    credentials: { ...TEST_CREDENTIALS },
    sqs,
    dynamodb,
    async stop() {
      sqs.destroy();
      dynamodb.destroy();
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}
