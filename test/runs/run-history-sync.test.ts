import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryableError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import type { ConnectorFactory } from '../../src/sync/ports/index.js';
import { TenantPausedError } from '../../src/sync/sync-engine.js';
import { syncAllOnce } from '../../src/sync/sync-loop.js';
import { setTenantPaused } from '../../src/tenants/tenant-pause.js';
import { TENANT, withSyncHarness } from '../sync/sync-harness.js';

const page = { limit: 100 } as const;

/** While `outage.down`, every call to Dataverse fails as a service outage would. */
const outage = { down: false };
function outageable(real: ConnectorFactory): ConnectorFactory {
  return async (tenantId, events) => {
    const sides = await real(tenantId, events);
    const crm = new Proxy(sides.crm, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || prop === 'close') return value;
        // Thrown, not a rejected promise: some port methods return an iterable, not a promise.
        return (...args: unknown[]) => {
          if (outage.down)
            throw new RetryableError('synthetic outage', { service: 'dataverse', status: 503 });
          return value.apply(target, args);
        };
      },
    });
    return { ...sides, crm };
  };
}

describe('the run history of a real sync against the emulators', () => {
  it('records each round with its kind, counts and the record it rejected, by contact id, field and rule', () =>
    withSyncHarness({ contacts: 12 }, async (h) => {
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const poison = ids[0]!;
      h.dataverse.admin.updateContact(poison, { emailaddress1: 'geen-adres' });
      await h.round();
      const { runs: first } = await h.t.app.runs.list({ ...page, tenant: TENANT });
      assert.equal(first.length, 1);
      const initial = first[0]!;
      assert.equal(initial.kind, 'initial');
      assert.equal(initial.outcome, 'ok');
      assert.equal(initial.tenantId, TENANT);
      assert.equal(initial.dataverseRead, 12);
      assert.equal(initial.mailplusWritten, 11, 'all but the poison record');
      assert.equal(initial.rejected, 1);
      assert.ok(initial.endedAt >= initial.startedAt);
      assert.equal(initial.errorClass, null);

      const { rejects } = await h.t.app.runs.rejects(initial.id, page);
      assert.deepEqual(
        rejects.map((r) => [r.contactId, r.side, r.field, r.rule, r.reason]),
        [[poison, 'mailplus', 'emailaddress1 -> email', 'is not a valid e-mail address', 'rejected']],
      );
      assert.equal(typeof rejects[0]!.deadLetterSeq, 'number');
      const [letter] = await h.t.app.queue.listDeadLetters({ tenantId: TENANT });
      assert.equal(rejects[0]!.deadLetterSeq, letter!.seq, 'points at its dead letter');

      // A live round: an edit in Mail+ is read and written to Dataverse.
      h.mailplus.admin.edit(ids[1]!, { jobTitle: 'Teamleider' });
      await h.round();
      const { runs } = await h.t.app.runs.list({ ...page, tenant: TENANT });
      assert.equal(runs.length, 2);
      assert.equal(runs[0]!.kind, 'live', 'newest first');
      assert.equal(runs[0]!.mailplusRead >= 1, true);
      assert.equal(runs[0]!.dataverseWritten, 1);
      assert.equal(runs[0]!.rejected, 0);

      // The hourly sums add up to the rounds.
      const hours = await h.t.app.store.db.selectFrom('sync_run_hours').selectAll().execute();
      assert.equal(
        hours.reduce((n, r) => n + Number(r.rounds), 0),
        2,
      );
      assert.equal(
        hours.reduce((n, r) => n + Number(r.mailplus_written), 0),
        11,
      );
    }));

  it('counts the 429s a round met, and records a failed round with its error class and no message', () =>
    withSyncHarness({ contacts: 3, appOptions: { connectors: (real) => outageable(real) } }, async (h) => {
      await h.settle();
      h.mailplus.admin.edit(h.dataverse.admin.listContacts()[0]!.contactid as string, { jobTitle: 'Kok' });
      h.mailplus.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 1 });
      h.dataverse.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 1 });
      await h.round();
      const [limited] = (await h.t.app.runs.list({ ...page, tenant: TENANT })).runs;
      assert.equal(limited!.outcome, 'ok', 'waited out');
      assert.equal(limited!.rateLimited, 2, 'one from each side');

      // Dataverse down for one round: it fails and is recorded as failed.
      outage.down = true;
      await assert.rejects(h.round(), /synthetic outage/);
      outage.down = false;
      const failed = await h.t.app.runs.list({ ...page, tenant: TENANT, outcome: 'failed' });
      assert.equal(failed.runs.length, 1);
      assert.equal(failed.runs[0]!.errorClass, 'RetryableError');
      assert.equal(failed.runs[0]!.errorCode, '503');
      assert.ok(!JSON.stringify(failed.runs).includes('synthetic outage'), 'the message is not kept');
      assert.ok(failed.runs[0]!.retries >= 0);
      const ok = await h.t.app.runs.list({ ...page, tenant: TENANT, outcome: 'ok' });
      assert.ok(ok.runs.every((r) => r.outcome === 'ok' && r.errorClass === null));
    }));

  it('skips a paused tenant without counting it failed, and syncs it again once resumed', () =>
    withSyncHarness({ contacts: 3 }, async (h) => {
      await h.settle();
      const log = createLogger('silent');
      const before = (await h.t.app.runs.list({ ...page, tenant: TENANT })).runs.length;
      await setTenantPaused(h.t.app.tenants, TENANT, true);
      await assert.rejects(h.engine.round(TENANT), TenantPausedError);
      const id = h.dataverse.admin.listContacts()[0]!.contactid as string;
      h.dataverse.admin.updateContact(id, { jobtitle: 'Bakker' });
      assert.deepEqual(await syncAllOnce(h.engine, [TENANT], log), { failed: 0 });
      assert.notEqual(
        h.mailplus.admin.contact(id)!.properties!.jobTitle,
        'Bakker',
        'nothing synced while paused',
      );
      assert.equal(
        (await h.t.app.runs.list({ ...page, tenant: TENANT })).runs.length,
        before,
        'no run recorded',
      );

      await setTenantPaused(h.t.app.tenants, TENANT, false);
      assert.deepEqual(await syncAllOnce(h.engine, [TENANT], log), { failed: 0 });
      assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Bakker');
      assert.equal((await h.t.app.runs.list({ ...page, tenant: TENANT })).runs.length, before + 1);
    }));
});
