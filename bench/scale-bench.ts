// npm run bench:scale [-- --tenants 8 --contacts 2000 --latency 50 --workers 1,2,4 --json]
//
// Benchmark of koppel's scale-out (docs/cluster.md): `--tenants` tenants of `--contacts` contacts each,
// emulators that answer every call after a fixed latency, and 1, 2 and 4 `koppel worker` processes on
// one PostgreSQL. Per worker count: the initial load's contacts/s, API calls per contact, the workers'
// CPU seconds per 1,000 contacts, a live phase (edits in Dataverse until they are in Mail+), and the
// takeover time after one worker is SIGKILLed. The full size is --contacts 20000; the default
// is small so a run takes minutes. Needs PostgreSQL: --pg-url or $KOPPEL_TEST_PG_URL (each run gets a
// schema of its own, dropped afterwards). Not a test: a missed target is marked BELOW, never fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Wall time on purpose: real processes against emulators with real latency.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { type DataverseEmulator, startDataverseEmulator } from '../src/emulators/dataverse/emulator.js';
import { type MailplusEmulator, startMailplusEmulator } from '../src/emulators/mailplus/index.js';
import { describeMachine } from './lib/machine.js';
import { median, round } from './lib/stats.js';

const HELP = `Usage: npm run bench:scale -- [options]

  --tenants <n>        tenants, each with its own pair of emulators (default 8)
  --contacts <n>       contacts per tenant in Dataverse (default 2000; the issue's size is 20000)
  --latency <ms>       fixed latency of every emulator call (default 50)
  --workers <list>     worker process counts to compare (default 1,2,4)
  --edits <n>          Dataverse edits in the live phase, spread over the tenants (default 80)
  --lease-seconds <s>  cluster.leaseSeconds of the workers (default 10)
  --poll-interval <s>  sync.pollIntervalSeconds of the workers (default 1)
  --pg-url <url>       PostgreSQL to use (default $KOPPEL_TEST_PG_URL)
  --json               print one JSON object with all figures (progress goes to stderr)
  -h, --help`;

const { values: opts } = parseArgs({
  options: {
    tenants: { type: 'string', default: '8' },
    contacts: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2,4' },
    edits: { type: 'string', default: '80' },
    'lease-seconds': { type: 'string', default: '10' },
    'poll-interval': { type: 'string', default: '1' },
    'pg-url': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function int(name: string, text: string, min = 1): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}, got ${text}`);
    process.exit(2);
  }
  return n;
}
const tenants = int('tenants', opts.tenants!);
const contacts = int('contacts', opts.contacts!);
const latencyMs = int('latency', opts.latency!, 0);
const workerCounts = opts.workers!.split(',').map((w) => int('workers', w.trim()));
const edits = int('edits', opts.edits!, 0);
const leaseSeconds = int('lease-seconds', opts['lease-seconds']!);
const pollSeconds = int('poll-interval', opts['poll-interval']!);
const pgUrl = opts['pg-url'] ?? process.env.KOPPEL_TEST_PG_URL;
if (!pgUrl) {
  console.error('bench:scale needs PostgreSQL: --pg-url postgres://... or $KOPPEL_TEST_PG_URL');
  process.exit(2);
}
const progress = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);

const BIN = join(import.meta.dirname, '../src/cli/bin.ts');
const TSX = import.meta.resolve('tsx');
const CLOCK_TICKS = 100;

interface Side {
  id: string;
  dataverse: DataverseEmulator;
  mailplus: MailplusEmulator;
}

interface RunFigures {
  workers: number;
  loadSeconds: number;
  contactsPerSecond: number;
  apiCallsPerContact: number;
  cpuSecondsPer1000: number;
  liveP50Ms: number | null;
  takeoverMs: number | null;
}

/** utime + stime of a live process in seconds (Linux /proc); 0 elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function pgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const url = new URL(pgUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

async function runWith(workerCount: number): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'koppel-scale-'));
  const masterKey = randomBytes(32).toString('base64');
  const schema = await pgSchema();
  const env = { KOPPEL_MASTER_KEY: masterKey, KOPPEL_DATA_DIR: dir, KOPPEL_STORE_URL: schema.url };
  const app = await createApp(loadConfig({ env }), { env });
  const sides: Side[] = [];
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < tenants; i++) {
      const id = `bench${i + 1}`;
      const dataverse = await startDataverseEmulator({
        seedContacts: contacts,
        randomSeed: 1 + i,
        latencyMs,
      });
      const mailplus = await startMailplusEmulator({ randomSeed: 1 + i, updatesLagMs: 200 });
      // The Mail+ emulator has no latency option: a "slow" answer on every call is the same.
      if (latencyMs > 0) mailplus.admin.setFaults({ slow: 1, slowMs: latencyMs });
      sides.push({ id, dataverse, mailplus });
      writeFileSync(join(dir, `${id}-dv.pem`), dataverse.caCertificate);
      writeFileSync(join(dir, `${id}-mp.pem`), mailplus.caCertificate!);
      await app.tenants.add(id, `Bench tenant ${i + 1}`);
      await app.tenants.updateSettings(id, {
        'dataverse.baseUrl': dataverse.baseUrl,
        'dataverse.authority': dataverse.authority,
        'dataverse.clientId': dataverse.clientId,
        'dataverse.clientSecret': dataverse.clientSecret,
        'dataverse.caFile': join(dir, `${id}-dv.pem`),
        'mailplus.baseUrl': mailplus.baseUrl,
        'mailplus.consumerKey': mailplus.consumerKey,
        'mailplus.consumerSecret': mailplus.consumerSecret,
        'mailplus.caFile': join(dir, `${id}-mp.pem`),
      });
    }
    const configFile = join(dir, 'worker.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sync: { pollIntervalSeconds: pollSeconds, mailplusOverlapSeconds: 5 },
        cluster: { leaseSeconds },
        log: { file: false, stdout: false },
        status: { enabled: false },
        server: { enabled: false },
      }),
    );
    const total = tenants * contacts;
    const inMailplus = () => sides.reduce((n, s) => n + s.mailplus.admin.contacts().length, 0);
    const started = Date.now();
    for (let i = 0; i < workerCount; i++) {
      const data = join(dir, `w${i}`);
      mkdirSync(data);
      children.push(
        spawn(process.execPath, ['--import', TSX, BIN, 'worker', '--config', configFile], {
          env: { ...process.env, ...env, KOPPEL_DATA_DIR: data, KOPPEL_LOG_LEVEL: 'silent' },
          stdio: 'ignore',
        }),
      );
    }
    await until('the initial load is in Mail+', () => inMailplus() >= total, 3_600_000);
    const loadSeconds = (Date.now() - started) / 1000;
    const cpu = children.reduce((n, c) => n + cpuSeconds(c.pid), 0);
    const calls = sides.reduce(
      (n, s) => n + s.dataverse.admin.requestCounts().total + s.mailplus.admin.requestCounts().total,
      0,
    );
    progress(`  ${workerCount} worker(s): loaded ${total} contacts in ${round(loadSeconds, 1)} s`);

    // Live: edits in Dataverse, each timed until its value is in Mail+.
    const pending = new Map<string, { side: Side; title: string; at: number }>();
    const latencies: number[] = [];
    for (let e = 0; e < edits; e++) {
      const side = sides[e % sides.length]!;
      const ids = side.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const id = ids[Math.floor(e / sides.length) % ids.length]!;
      const title = `Bench ${e}`;
      side.dataverse.admin.updateContact(id, { jobtitle: title });
      pending.set(`${side.id}/${id}`, { side, title, at: Date.now() });
    }
    await until(
      'the live edits are in Mail+',
      () => {
        for (const [key, p] of pending) {
          const id = key.slice(p.side.id.length + 1);
          if (p.side.mailplus.admin.contact(id)?.properties?.jobTitle !== p.title) continue;
          latencies.push(Date.now() - p.at);
          pending.delete(key);
        }
        return pending.size === 0;
      },
      600_000,
    );

    // Takeover: one worker SIGKILLed; how long until all its tenants are leased by the others.
    let takeoverMs: number | null = null;
    if (workerCount > 1) {
      const victim = children[0]!;
      const now = Date.now();
      const held = (await app.cluster.leases.leases())
        .filter((l) => l.owner?.split('/').at(-2) === String(victim.pid) && l.expiresAt > now)
        .map((l) => l.tenant);
      victim.kill('SIGKILL');
      const killedAt = Date.now();
      await until(
        "the killed worker's tenants are taken over",
        async () => {
          const at = Date.now();
          const live = (await app.cluster.leases.leases()).filter((l) => l.owner && l.expiresAt > at);
          return held.every((t) =>
            live.some((l) => l.tenant === t && l.owner?.split('/').at(-2) !== String(victim.pid)),
          );
        },
        leaseSeconds * 4_000,
      );
      takeoverMs = Date.now() - killedAt;
    }
    return {
      workers: workerCount,
      loadSeconds: round(loadSeconds, 1),
      contactsPerSecond: round(total / loadSeconds, 0),
      apiCallsPerContact: round(calls / total, 3),
      cpuSecondsPer1000: round(cpu / (total / 1000), 3),
      liveP50Ms: latencies.length ? round(median(latencies), 0) : null,
      takeoverMs,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const s of sides) {
      await s.dataverse.close();
      await s.mailplus.close();
    }
    await app.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

progress(
  `bench:scale: ${tenants} tenants x ${contacts} contacts, ${latencyMs} ms per call, workers ${workerCounts.join(', ')}`,
);
const results: RunFigures[] = [];
for (const w of workerCounts) results.push(await runWith(w));

const one = results.find((r) => r.workers === 1);
const verdicts = results.map((r) => {
  const efficiency = one ? round(r.contactsPerSecond / one.contactsPerSecond, 2) : null;
  const takeoverTarget = (leaseSeconds + pollSeconds) * 1000;
  return {
    ...r,
    vsOneWorker: efficiency,
    takeoverTargetMs: r.takeoverMs === null ? null : takeoverTarget,
    takeoverOk: r.takeoverMs === null ? null : r.takeoverMs <= takeoverTarget,
  };
});
if (opts.json) {
  console.log(
    JSON.stringify({
      machine: describeMachine(),
      tenants,
      contacts,
      latencyMs,
      leaseSeconds,
      results: verdicts,
    }),
  );
} else {
  console.log('workers  load s  contacts/s  calls/contact  CPU s/1000  live p50 ms  takeover ms');
  for (const r of verdicts)
    console.log(
      [
        String(r.workers).padStart(7),
        String(r.loadSeconds).padStart(7),
        String(r.contactsPerSecond).padStart(11),
        String(r.apiCallsPerContact).padStart(14),
        String(r.cpuSecondsPer1000).padStart(11),
        String(r.liveP50Ms ?? '-').padStart(12),
        `${String(r.takeoverMs ?? '-').padStart(12)}${r.takeoverOk === false ? ' BELOW' : ''}`,
      ].join(' '),
    );
  const four = verdicts.find((r) => r.workers === 4);
  if (one && four)
    console.log(
      `4 workers reach ${four.vsOneWorker} x the contacts/s of 1 (target >= 0.9)${(four.vsOneWorker ?? 0) < 0.9 ? ' BELOW' : ''}`,
    );
}
