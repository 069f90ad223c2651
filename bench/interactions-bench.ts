// npm run bench:interactions [-- --events N --contacts N --json]
//
// Benchmark of koppel's interactions feed (docs/interactions.md): N Mail+ interaction events (sends,
// opens, clicks, bounces of simulated mailings to the Dataverse contacts) read from the four Mail+
// feeds and written back to Dataverse as activities, upserted by key in $batch calls. Prints events/s,
// Dataverse calls per event (target at most 1/500), Mail+ calls per event (target at most 1/1,000) and
// koppel's peak RSS (target at most 256 MB). The emulators run in a process of their own
// (bench/interactions-bench-emulators.ts), so the RSS is koppel's alone. Not a test: a missed target
// is marked BELOW but never fails the process.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/log/logger.js';
import type { BenchCalls, BenchEmulators } from './interactions-bench-emulators.js';
import { describeMachine } from './lib/machine.js';
import { client, ready } from './lib/rpc.js';

const HELP = `Usage: npm run bench:interactions -- [options]

  --events <n>    interaction events to write back (default 1000000)
  --contacts <n>  Dataverse contacts the mailings go to (default 20000)
  --json          print one JSON object with all figures (progress goes to stderr)
  -h, --help`;

const TENANT = 'bench';
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      contacts: { type: 'string', default: '20000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const events = Number(values.events);
  const contacts = Number(values.contacts);
  if (!Number.isInteger(events) || events < 1) throw new Error('--events must be a positive whole number');
  if (!Number.isInteger(contacts) || contacts < 1)
    throw new Error('--contacts must be a positive whole number');
  const progress = (line: string) => (values.json ? console.error(line) : console.log(line));

  const child = fork(fileURLToPath(new URL('./interactions-bench-emulators.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
  });
  await ready(child, 'emulators');
  const call = client(child, 'emulators');
  const dir = mkdtempSync(join(tmpdir(), 'koppel-interactions-bench-'));
  try {
    progress(
      `setting up ${contacts.toLocaleString('en')} contacts and ${events.toLocaleString('en')} events ...`,
    );
    const emulators = await call<BenchEmulators>('start', { contacts, events });
    writeFileSync(join(dir, 'dv.pem'), emulators.dataverse.ca);
    const env = { KOPPEL_DATA_DIR: dir };
    const app = await createApp(loadConfig({ env }), {
      env,
      log: createLogger('warn'),
      mailplusOverlapMs: 5_000,
      interactionsFrom: 0,
    });
    try {
      await app.tenants.add(TENANT, 'Bench BV');
      await app.tenants.updateSettings(TENANT, {
        'dataverse.baseUrl': emulators.dataverse.baseUrl,
        'dataverse.authority': emulators.dataverse.authority,
        'dataverse.clientId': emulators.dataverse.clientId,
        'dataverse.clientSecret': emulators.dataverse.clientSecret,
        'dataverse.caFile': join(dir, 'dv.pem'),
        'mailplus.baseUrl': emulators.mailplus.baseUrl,
        'mailplus.consumerKey': emulators.mailplus.consumerKey,
        'mailplus.consumerSecret': emulators.mailplus.consumerSecret,
        'mailplus.allowInsecureLoopback': true,
        'interactions.enabled': true,
      });
      // The contacts as a completed first load leaves them: linked, in Mail+.
      const ctx = await app.engine.context(TENANT);
      for (let i = 0; i < emulators.contactIds.length; i += 1000) {
        await ctx.states.update(TENANT, emulators.contactIds.slice(i, i + 1000), (states) => {
          for (const state of states.values()) state.inMailplus = true;
        });
      }
      await call('resetCalls');
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      progress('writing back ...');
      const started = performance.now();
      let written = 0;
      let passes = 0;
      while (written < emulators.events && passes < 5) {
        written += (await app.interactions.run(TENANT)).written;
        passes++;
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const calls = await call<BenchCalls>('calls');
      const figures = {
        events: emulators.events,
        counts: emulators.counts,
        contacts,
        written,
        activitiesInDataverse: calls.activities,
        passes,
        seconds: round(seconds, 1),
        eventsPerSecond: Math.round(written / seconds),
        dataverseCalls: calls.dataverse,
        dataverseBatches: calls.dataverseBatches,
        dataverseCallsPerEvent: calls.dataverse / emulators.events,
        mailplusCalls: calls.mailplus,
        mailplusCallsPerEvent: calls.mailplus / emulators.events,
        peakRssMb: round(peakRss / MB, 1),
        targets: {
          dataverseCallsPerEvent: calls.dataverse / emulators.events <= 1 / 500,
          mailplusCallsPerEvent: calls.mailplus / emulators.events <= 1 / 1000,
          peakRss: peakRss <= 256 * MB,
          allWritten: written === emulators.events && calls.activities === emulators.events,
        },
        machine: describeMachine(),
      };
      if (values.json) console.log(JSON.stringify(figures));
      else printFigures(figures);
    } finally {
      await app.close();
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printFigures(f: {
  events: number;
  written: number;
  seconds: number;
  eventsPerSecond: number;
  dataverseCalls: number;
  dataverseCallsPerEvent: number;
  mailplusCalls: number;
  mailplusCallsPerEvent: number;
  peakRssMb: number;
  targets: Record<string, boolean>;
}): void {
  const mark = (ok: boolean | undefined) => (ok ? 'ok' : 'BELOW');
  const per = (x: number) => `1/${Math.round(1 / x).toLocaleString('en')}`;
  console.log(
    `events written:        ${f.written.toLocaleString('en')} of ${f.events.toLocaleString('en')} (${mark(f.targets.allWritten)})`,
  );
  console.log(`time:                  ${f.seconds} s, ${f.eventsPerSecond.toLocaleString('en')} events/s`);
  console.log(
    `Dataverse calls:       ${f.dataverseCalls} (${per(f.dataverseCallsPerEvent)} per event; target 1/500: ${mark(f.targets.dataverseCallsPerEvent)})`,
  );
  console.log(
    `Mail+ calls:           ${f.mailplusCalls} (${per(f.mailplusCallsPerEvent)} per event; target 1/1,000: ${mark(f.targets.mailplusCallsPerEvent)})`,
  );
  console.log(`peak RSS (koppel):     ${f.peakRssMb} MB (target 256 MB: ${mark(f.targets.peakRss)})`);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

await main();
