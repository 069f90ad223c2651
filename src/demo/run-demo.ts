import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { createApp } from '../app.js';
import { type Clock, every, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { startDataverseEmulator } from '../emulators/dataverse/emulator.js';
import { startMailplusEmulator } from '../emulators/mailplus/index.js';
import { demoInteractions } from '../interactions/demo-interactions.js';
import { createLogger } from '../log/logger.js';
import { type StatusServer, startStatusServer } from '../status/status-server.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import type { SyncStats } from '../sync/sync-stats.js';
import { type DemoConsole, openDemoConsole } from './demo-console.js';
import { demoEdits } from './demo-edits.js';

export interface DemoOptions {
  contacts: number;
  exitWhenDone: boolean;
  pollIntervalMs: number;
  /** Draw a progress bar (a terminal); otherwise print plain progress lines. */
  interactive: boolean;
  out: (line: string) => void;
  /** Resolves when the user asks to stop (Ctrl-C). */
  stopped: Promise<void>;
}

const TENANT = 'demo';

/**
 * `koppel demo`: both emulators, synthetic contacts, the initial load and live two-way sync on the
 * embedded SQLite default, in a folder of its own so it never mixes with real data.
 */
export async function runDemo(config: KoppelConfig, options: DemoOptions): Promise<number> {
  const { out } = options;
  const demoDir = resolve(config.dataDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const caDir = join(demoDir, 'emulator-ca');
  mkdirSync(caDir, { recursive: true, mode: 0o700 });
  out(
    `koppel demo: ${options.contacts.toLocaleString('en')} synthetic contacts, two-way sync, everything local`,
  );
  out(`  data:       ${demoDir} (SQLite; replaced at each demo run)`);
  // The demo shows real time passing: the system clock, the one the app gets too.
  const clock: Clock = systemClock;
  const started = clock.now();
  const dataverse = await startDataverseEmulator({ seedContacts: options.contacts, randomSeed: 2026 });
  const mailplus = await startMailplusEmulator({ randomSeed: 2026 });
  out(
    `  Dataverse:  emulator at ${dataverse.baseUrl} (seeded in ${((clock.now() - started) / 1000).toFixed(1)} s)`,
  );
  out(`  Mail+:      emulator at ${mailplus.baseUrl}`);
  writeFileSync(join(caDir, 'dataverse.pem'), dataverse.caCertificate);
  writeFileSync(join(caDir, 'mailplus.pem'), mailplus.caCertificate!);

  const app = await createApp(
    { ...config, dataDir: demoDir, store: { driver: 'sqlite' }, masterKey: { source: 'file' } },
    { clock, log: createLogger('warn'), mailplusOverlapMs: 5_000 },
  );
  const { engine } = app;
  let web: DemoConsole | undefined;
  let status: StatusServer | undefined;
  try {
    await app.tenants.add(TENANT, 'Demo BV');
    await app.tenants.updateSettings(TENANT, {
      'dataverse.baseUrl': dataverse.baseUrl,
      'dataverse.authority': dataverse.authority,
      'dataverse.clientId': dataverse.clientId,
      'dataverse.clientSecret': dataverse.clientSecret,
      'dataverse.caFile': join(caDir, 'dataverse.pem'),
      'mailplus.baseUrl': mailplus.baseUrl,
      'mailplus.consumerKey': mailplus.consumerKey,
      'mailplus.consumerSecret': mailplus.consumerSecret,
      'mailplus.caFile': join(caDir, 'mailplus.pem'),
    });
    const ctx = await engine.context(TENANT);
    if (app.config.server.enabled) {
      web = await openDemoConsole(app, engine);
      for (const line of web.lines) out(line);
    }
    if (app.config.status.enabled) {
      const config = { ...app.config, status: { ...app.config.status, port: 0 } };
      status = await startStatusServer({ app, engine, config, log: createLogger('silent') });
      const { selfSigned, certFile } = status.certificate;
      out(
        `  status API: ${status.url}/status (${selfSigned ? 'self-signed; trust' : 'certificate'} ${certFile}; no sign-in, ids and counts only)`,
      );
    }

    out('\n1. Initial load: Dataverse -> Mail+');
    const loadStart = clock.now();
    const bar = progress(clock, options, options.contacts, () => ctx.stats.writtenToMailplus);
    await engine.round(TENANT);
    bar.stop();
    const loadSeconds = (clock.now() - loadStart) / 1000;
    const dvCalls = dataverse.admin.requestCounts().total;
    const mpCalls = mailplus.admin.requestCounts().total;
    out(
      `   ${ctx.stats.writtenToMailplus.toLocaleString('en')} contacts in ${loadSeconds.toFixed(1)} s ` +
        `(${Math.round(ctx.stats.writtenToMailplus / loadSeconds).toLocaleString('en')}/s); ` +
        `API calls: Dataverse ${dvCalls}, Mail+ ${mpCalls}`,
    );
    ctx.stats.initialLoadDone = true;

    out('\n2. Live two-way sync: edits on both sides');
    const ids = dataverse.admin
      .listContacts()
      .slice(0, 5)
      .map((row) => String(row.contactid));
    const edits = demoEdits(dataverse, mailplus, ids);
    for (const edit of edits) {
      edit.make();
      out(`   made:    ${edit.describe}`);
    }
    const pending = new Set(edits);
    const deadline = clock.now() + 60_000;
    while (pending.size > 0 && clock.now() < deadline) {
      await clock.sleep(options.pollIntervalMs);
      await engine.round(TENANT);
      for (const edit of [...pending]) {
        if (!edit.arrived()) continue;
        pending.delete(edit);
        out(`   arrived: ${edit.describe}`);
      }
    }
    out('\n3. Interactions: a mailing goes out; sends, opens and clicks arrive in Dataverse');
    const interactionsArrived = await demoInteractions({
      app,
      tenantId: TENANT,
      dataverse,
      mailplus,
      out,
      pollIntervalMs: options.pollIntervalMs,
    });
    out('\n4. Summary');
    const deadLetters = (await app.queue.listDeadLetters({ tenantId: TENANT })).length;
    for (const line of summaryLines(ctx.stats, deadLetters)) out(`   ${line}`);
    out(`   total time ${((clock.now() - started) / 1000).toFixed(1)} s`);
    if (pending.size > 0) {
      out(`   ${pending.size} edit(s) did not arrive within 60 s`);
      return 1;
    }
    if (!interactionsArrived) return 1;
    if (options.exitWhenDone) return 0;
    out('\nStill syncing both ways; press Ctrl-C to stop.');
    await keepSyncing(engine, clock, options);
    return 0;
  } finally {
    await status?.close();
    await web?.server.close();
    await app.close();
    await dataverse.close();
    await mailplus.close();
  }
}

async function keepSyncing(engine: SyncEngine, clock: Clock, options: DemoOptions): Promise<void> {
  const rounds = every(clock, options.pollIntervalMs, () => engine.round(TENANT));
  await options.stopped;
  await rounds.stop();
}

/** The counters in words: what was read, what was written, and what needs a look. */
function summaryLines(stats: SyncStats, deadLetters: number): string[] {
  const n = (value: number) => value.toLocaleString('en');
  return [
    `read:      ${n(stats.dataverseRead)} changes from Dataverse, ${n(stats.mailplusRead)} from Mail+ ` +
      `(${n(stats.echoesDropped)} of them koppel's own writes coming back, dropped)`,
    `written:   ${n(stats.writtenToMailplus)} contacts to Mail+, ${n(stats.writtenToDataverse)} to Dataverse; ` +
      `${n(stats.removedFromMailplus)} anonymized in Mail+`,
    `attention: ${n(stats.conflictsResolved)} conflicts settled by the field's owner, ${n(stats.retried)} retries, ` +
      `${n(deadLetters)} dead letters (koppel status)`,
  ];
}

function progress(clock: Clock, options: DemoOptions, total: number, value: () => number): { stop(): void } {
  if (!options.interactive) return progressLines(clock, options.out, total, value);
  const bar = new cliProgress.SingleBar(
    { format: '   {bar} {percentage}% | {value}/{total} contacts | {duration}s', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  const timer = every(clock, 200, () => bar.update(value()));
  return {
    stop: () => {
      void timer.stop();
      bar.update(value());
      bar.stop();
    },
  };
}

/** Without a terminal (a pipe, CI, a log file) a bar would be noise: a line at each quarter instead. */
function progressLines(
  clock: Clock,
  out: (line: string) => void,
  total: number,
  value: () => number,
): { stop(): void } {
  let quarter = 0;
  const report = () => {
    const done = value();
    const reached = Math.min(4, Math.floor((done * 4) / Math.max(1, total)));
    if (reached <= quarter) return;
    quarter = reached;
    out(`   ${done.toLocaleString('en')} of ${total.toLocaleString('en')} contacts (${reached * 25}%)`);
  };
  const timer = every(clock, 200, report);
  return {
    stop: () => {
      void timer.stop();
      report();
    },
  };
}
