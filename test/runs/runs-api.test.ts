import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { csvCell, REJECTS_CSV_HEADER, rejectsCsv } from '../../src/runs/rejects-csv.js';
import { dashboardSchema, runsPageSchema } from '../../src/runs/run-schemas.js';
import { runCliInProcess } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import type { AdminClient } from '../server/admin-client.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';
import { contactId, MAPPING_REASON, recordRound } from './run-fixtures.js';

/** A minimal RFC 4180 reader, to check the export parses back to what was written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('CSV of rejects', () => {
  it('quotes commas, quotes and line breaks, and defuses what a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "no"'), '"say ""no"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('@sum'), "'@sum");
    const text = rejectsCsv([
      {
        id: 1,
        runId: 7,
        tenantId: 'acme',
        at: Date.UTC(2026, 0, 1, 12),
        side: 'mailplus',
        contactId: contactId(1),
        field: 'lastname -> lastName',
        rule: 'is longer than the maximum of 50 characters, "quoted"\r\nand on',
        reason: 'rejected',
        deadLetterSeq: null,
      },
    ]);
    assert.ok(text.endsWith('\r\n'));
    assert.deepEqual(parseCsv(text), [
      [...REJECTS_CSV_HEADER],
      [
        '7',
        'acme',
        '2026-01-01T12:00:00.000Z',
        'mailplus',
        contactId(1),
        'lastname -> lastName',
        'is longer than the maximum of 50 characters, "quoted"\r\nand on',
        'rejected',
        '',
      ],
    ]);
  });
});

describe('the dashboard and runs API', () => {
  let s: TestAdminServer;
  let runId: number;
  before(async () => {
    s = await startTestAdminServer({
      admins: ['ops1'],
      dpos: ['dpo1'],
      tenants: { acme: 'Acme BV', beta: 'Beta NV' },
      prepare: async (t) => {
        runId = await recordRound(t.app, t.clock, 'acme', {
          kind: 'initial',
          rejects: [
            { contact: contactId(1), description: MAPPING_REASON },
            {
              contact: contactId(2),
              description: 'email -> emailaddress1: is not a valid e-mail address',
              queue: 'to-dataverse',
            },
          ],
        });
        await recordRound(t.app, t.clock, 'acme');
        await recordRound(t.app, t.clock, 'beta', { error: { class: 'PermanentError', code: '401' } });
      },
    });
  });
  after(() => s.close());
  // One sign-in per account: a TOTP code is accepted once.
  const clients = new Map<string, AdminClient>();
  const signedIn = async (user: string) => {
    const known = clients.get(user);
    if (known) return known;
    const client = await s.signIn(user);
    clients.set(user, client);
    return client;
  };

  it('answers GET /api/dashboard for the admin and the DPO, in the published shape', async () => {
    for (const user of ['ops1', 'dpo1']) {
      const client = await signedIn(user);
      const reply = await client.send('GET', '/api/dashboard');
      assert.equal(reply.status, 200, user);
      const body = dashboardSchema.parse(reply.json());
      assert.deepEqual(
        body.tenants.map((t) => [t.id, t.state]),
        [
          ['acme', 'live'],
          ['beta', 'failing'],
        ],
      );
      assert.equal(body.tenants[0]!.hourly.rounds.length, 24);
      assert.equal(body.tenants[0]!.daily.rounds.length, 30);
      assert.equal(body.tenants[0]!.hourly.rounds.at(-1), 2);
      assert.equal(body.totals.deadLetters, 2);
    }
  });

  it('lists runs with filters and cursor, and a run with its rejects, filterable', async () => {
    const client = await signedIn('dpo1');
    const page = runsPageSchema.parse((await client.send('GET', '/api/runs?limit=2')).json());
    assert.equal(page.runs.length, 2);
    const older = runsPageSchema.parse(
      (await client.send('GET', `/api/runs?limit=2&cursor=${page.nextCursor}`)).json(),
    );
    assert.deepEqual(
      older.runs.map((r) => r.id),
      [runId],
    );
    const failed = (await client.send('GET', '/api/runs?outcome=failed&tenant=beta')).json();
    assert.deepEqual(
      failed.runs.map((r: { errorClass: string }) => r.errorClass),
      ['PermanentError'],
    );
    assert.equal((await client.send('GET', '/api/runs?outcome=maybe')).status, 400);
    assert.equal((await client.send('GET', '/api/runs?cursor=x')).status, 400);

    const rejects = await client.send('GET', `/api/runs/${runId}/rejects`);
    assert.equal(rejects.status, 200);
    const body = rejects.json();
    assert.equal(body.run.id, runId);
    assert.deepEqual(
      body.rejects.map((r: { contactId: string; side: string; field: string }) => [
        r.contactId,
        r.side,
        r.field,
      ]),
      [
        [contactId(1), 'mailplus', 'emailaddress1 -> email'],
        [contactId(1), 'mailplus', 'lastname -> lastName'],
        [contactId(2), 'dataverse', 'email -> emailaddress1'],
      ],
    );
    const filtered = (
      await client.send(
        'GET',
        `/api/runs/${runId}/rejects?field=${encodeURIComponent('lastname -> lastName')}`,
      )
    ).json();
    assert.equal(filtered.rejects.length, 1);
    assert.equal((await client.send('GET', '/api/runs/999999/rejects')).status, 404);
    assert.equal((await client.send('GET', `/api/runs/${runId}`)).json().rejected, 2);
  });

  it('exports the rejects as CSV: text/csv, a header row, one row per field', async () => {
    const client = await signedIn('dpo1');
    const reply = await client.send('GET', '/api/runs/rejects.csv?tenant=acme');
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/csv/);
    assert.match(String(reply.headers['content-disposition']), /attachment; filename="koppel-rejects-acme-/);
    const rows = parseCsv(reply.text);
    assert.deepEqual(rows[0], [...REJECTS_CSV_HEADER]);
    assert.equal(rows.length, 4);
    assert.equal(rows[1]![4], contactId(1));
    assert.equal(rows[1]![6], 'is not a valid e-mail address');
    assert.equal(parseCsv((await client.send('GET', '/api/runs/rejects.csv?tenant=beta')).text).length, 1);
  });

  it('lets only the admin pause and resume a tenant, audits it, and the dashboard shows it paused', async () => {
    const dpo = await signedIn('dpo1');
    assert.equal((await dpo.write('POST', '/api/tenants/acme/pause')).status, 403);
    const admin = await signedIn('ops1');
    const paused = await admin.write('POST', '/api/tenants/acme/pause');
    assert.equal(paused.status, 200);
    assert.deepEqual(paused.json(), { id: 'acme', status: 'paused', changed: true });
    assert.deepEqual((await admin.write('POST', '/api/tenants/acme/pause')).json().changed, false);
    const dashboard = (await admin.send('GET', '/api/dashboard')).json();
    assert.equal(dashboard.tenants[0].state, 'paused');
    assert.equal((await admin.write('POST', '/api/tenants/nope/pause')).status, 404);
    const resumed = await admin.write('POST', '/api/tenants/acme/resume');
    assert.deepEqual(resumed.json(), { id: 'acme', status: 'active', changed: true });
    const entries = await s.t.app.audit.list({ limit: 100 });
    const ours = entries.filter((e) => e.action.startsWith('tenant.p') || e.action === 'tenant.resume');
    assert.deepEqual(
      ours.map((e) => [e.actor, e.action, e.target, e.result]),
      [
        ['ops1', 'tenant.pause', 'acme', 'ok'],
        ['ops1', 'tenant.pause', 'acme', 'ok'],
        ['ops1', 'tenant.pause', 'nope', 'failed'],
        ['ops1', 'tenant.resume', 'acme', 'ok'],
      ],
    );
  });

  it('describes the routes in /api/openapi.json', async () => {
    const client = await signedIn('ops1');
    const paths = Object.keys((await client.send('GET', '/api/openapi.json')).json().paths);
    for (const path of [
      '/api/dashboard',
      '/api/runs',
      '/api/runs/rejects.csv',
      '/api/runs/{id}/rejects',
      '/api/tenants/{id}/pause',
      '/api/tenants/{id}/resume',
    ])
      assert.ok(paths.includes(path), path);
  });
});

describe('koppel tenant pause|resume', () => {
  it('pauses and resumes from the command line, with --json, audited; a terminated or unknown tenant is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'koppel-pause-'));
    const env = { KOPPEL_DATA_DIR: dir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    const koppel = (...args: string[]) => runCliInProcess(args, env);
    try {
      assert.equal((await koppel('tenant', 'add', 'acme', '--name', 'Acme BV')).code, 0);
      const paused = await koppel('tenant', 'pause', 'acme', '--json');
      assert.equal(paused.code, 0, paused.stderr);
      assert.deepEqual(JSON.parse(paused.stdout), { id: 'acme', status: 'paused', changed: true });
      assert.match((await koppel('tenant', 'pause', 'acme')).stdout, /already paused; nothing changed/);
      assert.match((await koppel('tenant', 'list')).stdout, /acme .*paused/);
      assert.match((await koppel('tenant', 'resume', 'acme')).stdout, /tenant acme: resumed/);
      const unknown = await koppel('tenant', 'pause', 'nope');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no tenant "nope"/);
      const audit = JSON.parse((await koppel('audit', 'list', '--json')).stdout);
      assert.ok(Array.isArray(audit), JSON.stringify(audit).slice(0, 300));
      const actions = audit.map((e: { action: string; result: string }) => `${e.action}:${e.result}`);
      for (const a of ['tenant.pause:ok', 'tenant.resume:ok', 'tenant.pause:failed'])
        assert.ok(actions.includes(a), a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
