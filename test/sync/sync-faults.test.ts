import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fault, FaultRates } from '../../src/emulators/shared/faults.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { startSyncHarness } from './sync-harness.js';

const RETRY_AFTER_SECONDS = 2;

const TEN_PERCENT: FaultRates = {
  rateLimited: 0.03,
  serverError: 0.02,
  unavailable: 0.02,
  timeout: 0.02,
  reset: 0.01,
  retryAfterSeconds: RETRY_AFTER_SECONDS,
};

/** Scripted on both sides, one per phase, so neither depends on the luck of the draw. */
const TIMEOUT: Fault = { kind: 'timeout' };
const RATE_LIMITED: Fault = { kind: 'status', status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS };

/** A request the emulator holds unanswered is given up after this (tenant setting), then retried. */
const CLIENT_TIMEOUT_SECONDS = 1;

/**
 * A request sent before the client saw the 429 may reach the emulator a little after it (the
 * emulators share the test's event loop, which a busy machine can stall).
 */
const IN_FLIGHT_MS = 500;
/** Timestamps are whole milliseconds and timers may fire a little early. */
const TOLERANCE_MS = 25;

describe('two-way sync under 10% injected faults (429, 500, 503, timeouts, connection resets)', () => {
  it('delivers everything both ways, gives nothing up, and sends nothing to a service during its Retry-After', async () => {
    const h = await startSyncHarness({
      contacts: 200,
      faults: TEN_PERCENT,
      settings: {
        'dataverse.requestTimeoutSeconds': CLIENT_TIMEOUT_SECONDS,
        'mailplus.requestTimeoutSeconds': CLIENT_TIMEOUT_SECONDS,
      },
    });
    try {
      h.dataverse.admin.injectFaults(TIMEOUT);
      h.mailplus.admin.injectFaults(TIMEOUT);
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 200, 'every contact arrived in Mail+');
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      for (const id of ids.slice(0, 20)) h.dataverse.admin.updateContact(id, { jobtitle: 'Adviseur' });
      for (const id of ids.slice(20, 30)) h.mailplus.admin.unsubscribe(id, 1);
      h.dataverse.admin.injectFaults(RATE_LIMITED);
      h.mailplus.admin.injectFaults(RATE_LIMITED);
      await h.settle();
      for (const id of ids.slice(0, 20))
        assert.equal(h.mailplus.admin.contact(id)!.properties!.jobTitle, 'Adviseur');
      for (const id of ids.slice(20, 30))
        assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
      assert.deepEqual(await h.t.app.queue.listDeadLetters(), [], 'nothing given up');

      const dataverse: Arrival[] = h.dataverse.admin.requestLog();
      const mailplus: Arrival[] = h.mailplus.admin.requestLog();
      assert.ok(
        dataverse.some((r) => r.fault === 'timeout'),
        'a Dataverse request timed out',
      );
      assert.ok(
        mailplus.some((r) => r.fault === 'fault:timeout'),
        'a Mail+ request timed out',
      );
      assert.deepEqual(sentDuringRetryAfter(dataverse), [], 'Dataverse');
      assert.deepEqual(sentDuringRetryAfter(mailplus), [], 'Mail+');
    } finally {
      await h.close();
    }
  });
});

describe('a Mail+ that serves smaller updates-feed pages than koppel asks', () => {
  it('steps down to the size it serves, says so in the log, and loses no unsubscribe', async () => {
    const h = await startSyncHarness({ contacts: 250, mailplusMaxPageSize: 100 });
    try {
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 250);
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      for (const id of ids.slice(0, 10)) h.mailplus.admin.unsubscribe(id, 1);
      await h.settle();
      for (const id of ids.slice(0, 10)) assert.equal(h.dataverse.admin.getContact(id)!.donotbulkemail, true);
      const refused = h
        .logs()
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.event === 'mailplus.page-size-refused')
        .map((entry) => [entry.refused, entry.next]);
      assert.deepEqual(refused, [
        [5000, 2000],
        [2000, 1000],
        [1000, 500],
        [500, 200],
        [200, 100],
      ]);
      const sizes = h.mailplus.admin
        .requestLog()
        .filter((r) => r.route === 'GET /contact/updates/list' && r.status === 200)
        .map((r) => r.query.find(([name]) => name === 'pageSize')?.[1]);
      // Pages of 100 once stepped down; a smaller ask (a one-row probe of the service's clock) is fine.
      assert.ok(sizes.filter((size) => size === '100').length > 3, 'the feed was read several times');
      assert.ok(
        sizes.every((size) => Number(size) <= 100),
        'no page larger than the service serves was asked again',
      );
    } finally {
      await h.close();
    }
  });
});

describe('two-way sync on PostgreSQL', { skip: PG_SKIP_REASON }, () => {
  it('loads, edits and unsubscribes the same as on SQLite', async () => {
    const h = await startSyncHarness({ contacts: 50, backend: 'postgres' });
    try {
      await h.settle();
      assert.equal(h.mailplus.admin.contacts().length, 50);
      const [a, b] = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      h.dataverse.admin.updateContact(a!, { firstname: 'Sanne' });
      h.mailplus.admin.unsubscribe(b!, 1);
      await h.settle();
      assert.equal(h.mailplus.admin.contact(a!)!.properties!.firstName, 'Sanne');
      assert.equal(h.dataverse.admin.getContact(b!)!.donotbulkemail, true);
    } finally {
      await h.close();
    }
  });
});

/** What both emulators' request logs record: arrival time, status (0: none sent), injected fault. */
type Arrival = { at: number; status: number; fault?: string };

/**
 * One line per injected 429 after which a request reached the same service before its Retry-After
 * (RETRY_AFTER_SECONDS on every injected 429) had passed. At least one 429 must have been injected.
 */
function sentDuringRetryAfter(log: Arrival[]): string[] {
  const wait = RETRY_AFTER_SECONDS * 1000;
  const limited = log.filter((r) => r.status === 429 && r.fault);
  assert.ok(limited.length > 0, 'a 429 was injected');
  return limited.flatMap((limit) => {
    const early = log.filter((r) => {
      const after = r.at - limit.at;
      return r !== limit && after > IN_FLIGHT_MS && after < wait - TOLERANCE_MS;
    });
    return early.map((r) => `a request ${r.at - limit.at} ms after a 429 with Retry-After ${wait} ms`);
  });
}
