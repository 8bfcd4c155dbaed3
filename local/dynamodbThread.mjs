// The DynamoDB emulator (dynalite) on a thread of its own: the local runtime's main thread
// also runs the SQS emulator, the pollers and the functions, and dynalite's share of the
// work (request parsing, expressions, LevelDB) can then use another core. Plain JavaScript,
// so the thread needs no TypeScript loader under tsx or vitest.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const { port, path } = workerData;
const server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(path ? { path } : {}),
});
server.once('error', (error) => {
  parentPort.postMessage({ kind: 'error', code: error.code, message: error.message });
});
server.listen(port, '127.0.0.1', () => {
  parentPort.postMessage({ kind: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.closeAllConnections();
  // dynalite's close also closes its LevelDB, so every write is in the files after it.
  server.close(() => parentPort.postMessage({ kind: 'stopped' }));
});
