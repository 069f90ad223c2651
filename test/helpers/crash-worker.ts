// A worker process for the crash test: claims batches, "delivers" each message by appending its number
// to a log file, then completes the batch. The test kills it with SIGKILL at an arbitrary moment.
import { appendFileSync } from 'node:fs';
// Wall time on purpose: a separate process that the crash test kills at an arbitrary real moment.
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';

const logFile = process.env.CRASH_LOG!;
const app = await createApp(loadConfig({ env: process.env }), { env: process.env });
// As `koppel run` does at start: the killed predecessor's claims (default 60 s leases) come back at once.
await app.queue.releaseOrphanedLeases();
let idle = 0;
while (idle < 120) {
  const batch = await app.queue.claim<{ n: number }>({ queue: 'crash', limit: 50 });
  if (batch.length === 0) {
    idle++;
    await sleep(25);
    continue;
  }
  idle = 0;
  appendFileSync(logFile, batch.map((m) => `${m.payload.n}\n`).join(''));
  // Stands in for the remote call, so the kill lands while batches are in flight.
  await sleep(15);
  await app.queue.complete(batch);
}
await app.close();
