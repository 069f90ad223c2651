import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// Wall time on purpose: real `koppel worker` processes, killed, terminated and paused in real time.
import { setTimeout as sleep } from 'node:timers/promises';
import { type DataverseEmulator, startDataverseEmulator } from '../../src/emulators/dataverse/emulator.js';
import { type MailplusEmulator, startMailplusEmulator } from '../../src/emulators/mailplus/index.js';
import { TSX } from '../helpers/cli.js';
import { createTestApp, PG_SKIP_REASON, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
const TENANTS = ['t1', 't2', 't3', 't4', 't5', 't6'];
const CONTACTS = 150;
const LEASE_MS = 3_000;
/** A takeover waits for the lease to run out, then for the next heartbeat (a fifth of the lease). */
const TAKEOVER_MAX_MS = LEASE_MS + LEASE_MS / 5 + 1_000;

interface Side {
  dataverse: DataverseEmulator;
  mailplus: MailplusEmulator;
}

/** One `koppel worker` process and what it printed (its log lines are JSON on standard output). */
class Worker {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;
  killedAt: number | null = null;

  constructor(configFile: string, dataDir: string, storeUrl: string) {
    mkdirSync(dataDir, { recursive: true });
    this.child = spawn(process.execPath, ['--import', TSX, BIN, 'worker', '--config', configFile], {
      env: {
        ...process.env,
        KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
        KOPPEL_DATA_DIR: dataDir,
        KOPPEL_STORE_URL: storeUrl,
        KOPPEL_LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Its output lines on standard output, its JSON log lines on standard error.
    collectLines(this.child.stdout!, this.lines);
    collectLines(this.child.stderr!, this.logs);
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  /** The worker id starts with host/pid/: unique per process. */
  owns(owner: string | null): boolean {
    return owner !== null && owner.split('/')[1] === String(this.child.pid);
  }

  events(): Array<{ time: number; event?: string; tenant?: string }> {
    return this.logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  }

  /** [start, end] of each round per tenant; a round cut short by a kill ends at the kill. */
  rounds(): Array<{ tenant: string; from: number; to: number }> {
    const open = new Map<string, number>();
    const out: Array<{ tenant: string; from: number; to: number }> = [];
    for (const e of this.events()) {
      if (!e.tenant) continue;
      if (e.event === 'sync.round-start') open.set(e.tenant, e.time);
      else if ((e.event === 'sync.round' || e.event === 'sync.round-failed') && open.has(e.tenant)) {
        out.push({ tenant: e.tenant, from: open.get(e.tenant)!, to: e.time });
        open.delete(e.tenant);
      }
    }
    for (const [tenant, from] of open) out.push({ tenant, from, to: this.killedAt ?? Date.now() });
    return out;
  }

  async signal(name: NodeJS.Signals): Promise<void> {
    this.child.kill(name);
  }
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.on('data', (chunk) => {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop()!;
    into.push(...parts);
  });
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('three koppel worker processes on one PostgreSQL', { skip: PG_SKIP_REASON }, () => {
  it('share 6 tenants, survive SIGKILL, SIGTERM and SIGSTOP, and every contact arrives once in its final state', async () => {
    const t: TestApp = await createTestApp('postgres');
    const sides = new Map<string, Side>();
    const workers: Worker[] = [];
    try {
      for (const [i, tenant] of TENANTS.entries()) {
        const dataverse = await startDataverseEmulator({
          seedContacts: CONTACTS,
          randomSeed: 20 + i,
          latencyMs: 5,
        });
        const mailplus = await startMailplusEmulator({ randomSeed: 20 + i, updatesLagMs: 200 });
        // Slow Mail+ answers during the first load, so the SIGKILL lands in it whatever the machine's speed.
        mailplus.admin.setFaults({ slow: 1, slowMs: 700 });
        sides.set(tenant, { dataverse, mailplus });
        writeFileSync(join(t.dataDir, `${tenant}-dv.pem`), dataverse.caCertificate);
        writeFileSync(join(t.dataDir, `${tenant}-mp.pem`), mailplus.caCertificate!);
        await t.app.tenants.add(tenant, `Tenant ${tenant}`);
        await t.app.tenants.updateSettings(tenant, {
          'dataverse.baseUrl': dataverse.baseUrl,
          'dataverse.authority': dataverse.authority,
          'dataverse.clientId': dataverse.clientId,
          'dataverse.clientSecret': dataverse.clientSecret,
          'dataverse.caFile': join(t.dataDir, `${tenant}-dv.pem`),
          'mailplus.baseUrl': mailplus.baseUrl,
          'mailplus.consumerKey': mailplus.consumerKey,
          'mailplus.consumerSecret': mailplus.consumerSecret,
          'mailplus.caFile': join(t.dataDir, `${tenant}-mp.pem`),
        });
      }
      const configFile = join(t.dataDir, 'worker.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          sync: { pollIntervalSeconds: 1, mailplusOverlapSeconds: 5 },
          cluster: { leaseSeconds: LEASE_MS / 1000 },
          queue: { leaseSeconds: 5, backoffBaseMs: 100, backoffMaxMs: 1_000 },
          log: { file: false },
          status: { enabled: false },
          server: { enabled: false },
        }),
      );
      const start = () => {
        const w = new Worker(configFile, join(t.dataDir, `w${workers.length}`), t.storeUrl);
        workers.push(w);
        return w;
      };
      const leases = async () => {
        const now = Date.now();
        return (await t.app.cluster.leases.leases()).filter((l) => l.owner !== null && l.expiresAt > now);
      };
      const heldBy = async (w: Worker) =>
        (await leases()).filter((l) => w.owns(l.owner)).map((l) => l.tenant);
      const inMailplus = (tenant: string) => sides.get(tenant)!.mailplus.admin.contacts().length;

      const [w0, w1, w2] = [start(), start(), start()];
      await until('the 6 tenants are spread 2/2/2 over the three workers', async () => {
        const counts = await Promise.all([w0, w1, w2].map(async (w) => (await heldBy(w!)).length));
        return counts.every((n) => n === 2);
      });

      // SIGKILL mid-load: as soon as one of w0's tenants has contacts in Mail+.
      const killedTenants = await heldBy(w0!);
      await until('w0 has written to Mail+', () => killedTenants.some((x) => inMailplus(x) > 0));
      const midLoad = killedTenants.some((x) => inMailplus(x) < CONTACTS);
      await w0!.signal('SIGKILL');
      await w0!.exited;
      w0!.killedAt = Date.now();
      assert.ok(midLoad, "the kill landed while one of w0's tenants was still loading");
      for (const side of sides.values()) side.mailplus.admin.setFaults({});
      await until(
        "w0's tenants are taken over",
        async () => {
          const live = await leases();
          return killedTenants.every((x) => live.some((l) => l.tenant === x && !w0!.owns(l.owner)));
        },
        TAKEOVER_MAX_MS + 5_000,
      );
      const takeover = Date.now() - w0!.killedAt;
      assert.ok(takeover <= TAKEOVER_MAX_MS, `taken over after ${takeover} ms (lease ${LEASE_MS} ms)`);

      // Edits on both sides once everything is in Mail+: two in a row per contact (order kept).
      await until(
        'the first load is complete',
        () => TENANTS.every((x) => inMailplus(x) === CONTACTS),
        60_000,
      );
      const jobTitles = new Map<string, Map<string, string>>();
      const cities = new Map<string, Map<string, string>>();
      const edit = (round: number) => {
        for (const tenant of TENANTS) {
          const { dataverse, mailplus } = sides.get(tenant)!;
          const ids = dataverse.admin.listContacts().map((r) => String(r.contactid));
          const titles = jobTitles.get(tenant) ?? new Map();
          const towns = cities.get(tenant) ?? new Map();
          for (const id of ids.slice(0, 5)) {
            dataverse.admin.updateContact(id, { jobtitle: `Functie ${round}` });
            titles.set(id, `Functie ${round}`);
          }
          for (const id of ids.slice(10, 15)) {
            mailplus.admin.edit(id, { city: `Stad ${round}` });
            towns.set(id, `Stad ${round}`);
          }
          jobTitles.set(tenant, titles);
          cities.set(tenant, towns);
        }
      };
      edit(1);
      await sleep(300);
      edit(2);

      // SIGSTOP: w2 is paused past its lease, w1 takes everything, w2 resumes and finds its leases gone.
      const paused = await heldBy(w2!);
      const overlapUntil = Date.now();
      await w2!.signal('SIGSTOP');
      await until(
        'w1 took the paused tenants over',
        async () => (await heldBy(w1!)).length === 6,
        TAKEOVER_MAX_MS + 5_000,
      );
      edit(3);
      await w2!.signal('SIGCONT');
      const resumedAt = Date.now();
      await until('w2 saw its leases taken', () =>
        paused.every((x) =>
          w2!.events().some((e) => e.event === 'cluster.lease-lost' && e.tenant === x && e.time >= resumedAt),
        ),
      );
      await until('w1 and w2 share the tenants again', async () => (await heldBy(w2!)).length === 3);

      // SIGTERM: w1 stops claiming, gives its leases up and exits well within 30 s.
      const terminated = await heldBy(w1!);
      const termAt = Date.now();
      await w1!.signal('SIGTERM');
      assert.equal(await w1!.exited, 0, 'w1 exits cleanly');
      assert.ok(Date.now() - termAt < 30_000, 'within 30 s');
      const rows = await t.app.cluster.leases.leases();
      for (const x of terminated)
        assert.ok(!w1!.owns(rows.find((l) => l.tenant === x)!.owner), `${x} is no longer w1's at its exit`);
      const left = w1!.events().find((e) => e.event === 'cluster.left') as { tenants?: string[] } | undefined;
      assert.deepEqual(
        left?.tenants?.sort(),
        terminated.sort(),
        'w1 released its leases itself, not left to expire',
      );
      assert.match(w1!.lines.join('\n'), /koppel worker stopped/);
      await until('w2 holds all 6', async () => (await heldBy(w2!)).length === 6, LEASE_MS * 2);

      // Both sides end equal: each contact once in Mail+, every edit's final value on the other side.
      const converged = () =>
        TENANTS.every((tenant) => {
          const { dataverse, mailplus } = sides.get(tenant)!;
          const ids = dataverse.admin.listContacts().map((r) => String(r.contactid));
          const contacts = mailplus.admin.contacts();
          if (contacts.length !== ids.length) return false;
          for (const [id, title] of jobTitles.get(tenant)!)
            if (mailplus.admin.contact(id)?.properties?.jobTitle !== title) return false;
          for (const [id, city] of cities.get(tenant)!)
            if (dataverse.admin.getContact(id)?.address1_city !== city) return false;
          return true;
        });
      await until('both sides agree for every tenant', converged, 60_000);
      for (const tenant of TENANTS) {
        const { dataverse, mailplus } = sides.get(tenant)!;
        const ids = dataverse.admin.listContacts().map((r) => String(r.contactid));
        const external = mailplus.admin.contacts().map((c) => c.externalId);
        assert.equal(new Set(external).size, external.length, `${tenant}: no contact twice in Mail+`);
        assert.deepEqual(new Set(external), new Set(ids), `${tenant}: every contact arrived`);
      }
      assert.deepEqual(await t.app.queue.listDeadLetters(), [], 'nothing dead-lettered');

      // w2 did not work on with its old tokens: after resuming, a round of a tenant it had held starts
      // only once it acquired that tenant anew (a new, higher token) when w1 shared the tenants again.
      for (const tenant of paused) {
        const again = w2!
          .events()
          .find(
            (e) =>
              e.event === 'cluster.leases' &&
              e.time >= resumedAt &&
              ((e as { acquired?: string[] }).acquired ?? []).includes(tenant),
          );
        const early = w2!
          .events()
          .filter(
            (e) =>
              e.event === 'sync.round-start' &&
              e.tenant === tenant &&
              e.time >= resumedAt &&
              (again === undefined || e.time < again.time),
          );
        assert.deepEqual(early, [], `w2 started no round of ${tenant} on its lost lease`);
      }

      // No tenant was polled by two workers at once: every Dataverse request of a tenant (the
      // emulator's log) falls inside a round of exactly one worker, up to the SIGSTOP phase.
      const rounds = [w0!, w1!, w2!].map((w) => w.rounds());
      for (const tenant of TENANTS) {
        const requests = sides
          .get(tenant)!
          .dataverse.admin.requestLog()
          .filter((r) => r.at < overlapUntil);
        assert.ok(requests.length > 0, `${tenant} was polled`);
        for (const request of requests) {
          const inside = rounds.filter((list) =>
            list.some((r) => r.tenant === tenant && r.from - 5 <= request.at && request.at <= r.to + 5),
          );
          assert.equal(
            inside.length,
            1,
            `${tenant}: request at ${request.at} inside the rounds of ${inside.length} workers`,
          );
        }
      }
      const status = await t.app.cluster.status();
      assert.equal(status.leases.length, 6);
    } finally {
      for (const w of workers) {
        if (w.child.exitCode === null && w.child.signalCode === null) {
          w.child.kill('SIGCONT');
          w.child.kill('SIGKILL');
          await w.exited;
        }
      }
      for (const { dataverse, mailplus } of sides.values()) {
        await dataverse.close();
        await mailplus.close();
      }
      await t.close();
    }
  });
});
