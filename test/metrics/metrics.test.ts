import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Response } from 'undici';
import { PermanentError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { instrumentedFetch } from '../../src/metrics/instrumented-fetch.js';
import { metricsRefusal } from '../../src/metrics/metrics-access.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

const T = 'tenant-a';
const Q = 'mailplus';

describe('metrics', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    await t.app.tenants.add(T, 'Tenant A');
  });
  afterEach(async () => {
    await t.close();
  });

  it('counts deliveries, rejections, dead letters, API calls and 429s; reads depth and lag from the store', async () => {
    const { app, clock } = t;
    await app.queue.enqueue(
      [1, 2, 3].map((n) => ({ tenantId: T, queue: Q, payload: { n, email: 'test1@example.invalid' } })),
    );
    const [first, second] = await app.queue.claim({ queue: Q, limit: 2 });
    await app.queue.complete([first!]);
    await app.queue.deadLetter([second!], 'permanent', 'refused');
    const statuses = [200, 429, 200];
    const fetch = instrumentedFetch(app.metrics, clock, 'mailplus', T, async () => {
      clock.advance(120);
      return new Response('{}', { status: statuses.shift()! });
    });
    for (let i = 0; i < 3; i++) await fetch('https://mailplus.example.invalid/x?email=a@b', {});
    await app.syncHealth.record(T, { ok: true });
    clock.advance(90_000);

    const { body, contentType } = await app.metrics.scrape();
    assert.match(contentType, /^text\/plain/);
    const s = parsePrometheus(body);
    const labels = { tenant: T, queue: Q };
    assert.equal(sampleValue(s, 'koppel_queue_messages_delivered_total', labels), 1);
    assert.equal(
      sampleValue(s, 'koppel_queue_messages_rejected_total', { ...labels, reason: 'permanent' }),
      1,
    );
    assert.equal(sampleValue(s, 'koppel_queue_dead_letters', labels), 1);
    assert.equal(sampleValue(s, 'koppel_queue_messages', { ...labels, state: 'ready' }), 1);
    assert.equal(sampleValue(s, 'koppel_queue_oldest_message_age_seconds', labels), 90.36);
    assert.equal(
      sampleValue(s, 'koppel_api_calls_total', { service: 'mailplus', tenant: T, status: '2xx' }),
      2,
    );
    assert.equal(
      sampleValue(s, 'koppel_api_calls_total', { service: 'mailplus', tenant: T, status: '4xx' }),
      1,
    );
    assert.equal(sampleValue(s, 'koppel_api_throttled_total', { service: 'mailplus', tenant: T }), 1);
    assert.equal(sampleValue(s, 'koppel_api_call_duration_seconds_count', { service: 'mailplus' }), 3);
    assert.equal(sampleValue(s, 'koppel_api_call_duration_seconds_sum', { service: 'mailplus' }), 0.36);
    assert.equal(sampleValue(s, 'koppel_sync_lag_seconds', { tenant: T }), 90);
    // No personal data and no URL ever becomes a label.
    assert.ok(!body.includes('example.invalid'));
    assert.ok(!body.includes('a@b'));
  });

  it('reports a failing sync with its kind and lets scale report leases and takeovers', async () => {
    const { app, clock } = t;
    const expired = new PermanentError('refused', {
      service: 'entra-id',
      status: 401,
      code: 'AADSTS7000222',
    });
    await app.syncHealth.record(T, { ok: false, error: expired });
    clock.advance(60_000);
    await app.syncHealth.record(T, { ok: false, error: expired });
    app.metrics.leaseOwner(T, 'worker-1');
    app.metrics.leaseOwner(T, 'worker-2');
    app.metrics.leaseTakeover(T);
    const s = parsePrometheus((await app.metrics.scrape()).body);
    assert.equal(
      sampleValue(s, 'koppel_sync_failing_seconds', { tenant: T, kind: 'dataverse-secret-expired' }),
      60,
    );
    assert.equal(sampleValue(s, 'koppel_tenant_lease_owned', { tenant: T, owner: 'worker-2' }), 1);
    assert.equal(sampleValue(s, 'koppel_tenant_lease_owned', { tenant: T, owner: 'worker-1' }), undefined);
    assert.equal(sampleValue(s, 'koppel_tenant_lease_takeovers_total', { tenant: T }), 1);
    app.metrics.leaseOwner(T, null);
    const after = parsePrometheus((await app.metrics.scrape()).body);
    assert.equal(sampleValue(after, 'koppel_tenant_lease_owned', { tenant: T }), undefined);
  });

  it('reports the last retention run of each class', async () => {
    await t.app.retention.run();
    const s = parsePrometheus((await t.app.metrics.scrape()).body);
    const last = s.filter((x) => x.name === 'koppel_retention_last_run_timestamp_seconds');
    assert.ok(last.length > 0, 'every retention class that ran is reported');
    assert.ok(last.every((x) => x.value === t.clock.now() / 1000));
  });
});

describe('metrics access', () => {
  const TOKEN = 'a'.repeat(24);
  it('without a token: only trusted clients', () => {
    assert.equal(metricsRefusal(undefined, undefined, true), null);
    assert.equal(metricsRefusal(undefined, `Bearer ${TOKEN}`, false)?.status, 403);
  });
  it('with a token: it must be sent, and be the right one, from anywhere', () => {
    assert.equal(metricsRefusal(TOKEN, undefined, true)?.status, 401);
    assert.equal(metricsRefusal(TOKEN, `Bearer ${'b'.repeat(24)}`, true)?.status, 401);
    assert.equal(metricsRefusal(TOKEN, `Bearer ${TOKEN}x`, true)?.status, 401);
    assert.equal(metricsRefusal(TOKEN, `Basic ${TOKEN}`, true)?.status, 401);
    assert.equal(metricsRefusal(TOKEN, `Bearer ${TOKEN}`, false), null);
  });
});
