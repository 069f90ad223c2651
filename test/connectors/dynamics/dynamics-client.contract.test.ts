import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { ChangeTrackingExpiredError } from '../../../src/connectors/dynamics/index.js';
import { PermanentError } from '../../../src/errors.js';
import { collect, type Harness, pagesOf, startHarness } from './helpers.js';

describe('Dynamics client against the Dataverse emulator', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seedContacts: 1200 });
  });
  after(() => h.close());

  test('reads every contact in pages of the requested size, only the selected columns', async () => {
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of h.client.contacts({ select: ['firstname', 'emailaddress1'], pageSize: 500 })) {
      sizes.push(page.length);
      for (const row of page) {
        ids.add(row.contactid);
        assert.deepEqual(Object.keys(row).sort(), ['@odata.etag', 'contactid', 'emailaddress1', 'firstname']);
        assert.match(String(row['@odata.etag']), /^W\/"\d+"$/);
      }
    }
    assert.deepEqual(sizes, [500, 500, 200]);
    assert.equal(ids.size, 1200);
  });

  test('every request went to the loopback emulator, MSAL included (no instance discovery)', () => {
    assert.ok(h.urls.length > 0);
    for (const url of h.urls) assert.equal(new URL(url).hostname, '127.0.0.1');
    assert.ok(h.urls.some((u) => u.includes('/oauth2/v2.0/token')));
  });

  test('change tracking: full load with a delta link, then upserts and deletes since', async () => {
    let deltaLink: string | null = null;
    let loaded = 0;
    for await (const page of h.client.changes({ select: ['emailaddress1'], pageSize: 400 })) {
      loaded += page.upserts.length;
      assert.deepEqual(page.deletes, []);
      if (page.deltaLink) deltaLink = page.deltaLink;
    }
    assert.equal(loaded, 1200);
    assert.ok(deltaLink?.includes('$deltatoken='));

    const [changed, removed] = h.emulator.admin
      .listContacts()
      .slice(0, 2)
      .map((c) => String(c.contactid));
    h.emulator.admin.updateContact(changed!, { jobtitle: 'Inkoper' });
    h.emulator.admin.deleteContact(removed!);
    const created = h.emulator.admin.createContact({
      firstname: 'Test',
      lastname: 'Persoon',
      emailaddress1: 't@example.com',
    });
    const ephemeral = h.emulator.admin.createContact({ lastname: 'Kortstondig' });
    h.emulator.admin.deleteContact(ephemeral);

    const pages = await pagesOf(h.client.changes({ select: ['emailaddress1'], deltaLink }));
    assert.deepEqual(pages[0]!.upserts.map((r) => r.contactid).sort(), [changed, created].sort());
    assert.deepEqual(pages[0]!.deletes.sort(), [removed, ephemeral].sort());
    const next = pages.at(-1)!.deltaLink;
    assert.ok(next && next !== deltaLink);
    const quiet = await pagesOf(h.client.changes({ select: ['emailaddress1'], deltaLink: next }));
    assert.deepEqual([quiet[0]!.upserts, quiet[0]!.deletes], [[], []]);
  });

  test('list membership: the ids of the contacts on a marketing list', async () => {
    const list = h.emulator.admin.createList('Nieuwsbrief');
    const members = h.emulator.admin
      .listContacts()
      .slice(10, 13)
      .map((c) => String(c.contactid));
    h.emulator.admin.addListMembers(list.listid, members);
    const ids = await collect(h.client.listMemberIds(list.listid, 2));
    assert.deepEqual(ids.sort(), [...members].sort());
  });

  test('upserts: create, update-only, create-only and etag conditions', async () => {
    const id = '0d4e7c7e-5b0a-4c53-9a43-3f5f0c1b2a01';
    const created = await h.client.upsertContact(id, { lastname: 'Jansen', emailaddress1: 'j@example.org' });
    assert.match(created.entityId ?? '', new RegExp(`/api/data/v9\\.2/contacts\\(${id}\\)$`));
    await h.client.upsertContact(id, { firstname: 'Anna' }, { mode: 'update' });
    assert.equal(h.emulator.admin.getContact(id)?.firstname, 'Anna');

    const missing = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    await assert.rejects(
      h.client.upsertContact(missing, { lastname: 'X' }, { mode: 'update' }),
      (e: unknown) => {
        assert.ok(e instanceof PermanentError);
        assert.deepEqual([e.detail.status, e.detail.code], [404, '0x80040217']);
        return true;
      },
    );
    assert.equal(h.emulator.admin.getContact(missing), undefined, 'update-only never creates');
    await assert.rejects(h.client.upsertContact(id, { lastname: 'X' }, { mode: 'create' }), (e: unknown) => {
      assert.ok(e instanceof PermanentError);
      assert.deepEqual([e.detail.status, e.detail.code], [412, '0x80040237']);
      return true;
    });
    await assert.rejects(h.client.upsertContact(id, { lastname: 'X' }, { etag: 'W/"1"' }), (e: unknown) => {
      assert.ok(e instanceof PermanentError);
      assert.deepEqual([e.detail.status, e.detail.code], [412, '0x80060882']);
      return true;
    });
    assert.equal(await h.client.deleteContact(id), 'deleted');
    assert.equal(await h.client.deleteContact(id), 'already-gone');
  });

  test('overlong field is a permanent error naming the column, without the value', async () => {
    const value = `${'x'.repeat(95)}@example.org`;
    await assert.rejects(
      h.client.upsertContact('0d4e7c7e-5b0a-4c53-9a43-3f5f0c1b2a02', { emailaddress1: value }),
      (e: unknown) => {
        assert.ok(e instanceof PermanentError);
        assert.equal(e.detail.code, '0x80044331');
        assert.match(e.message, /'emailaddress1' attribute .* maximum allowed length of '100'/);
        assert.ok(!e.message.includes('xxxx'));
        return true;
      },
    );
  });

  test('$batch: a failing change set rolls back as a whole, other operations keep their own outcome', async () => {
    const [a, b, c] = ['1', '2', '3'].map((n) => `5a1d0c3e-0000-4000-8000-00000000000${n}`);
    const existing = String(h.emulator.admin.listContacts()[20]!.contactid);
    const outcomes = await h.client.batch([
      { kind: 'upsert', id: a!, fields: { lastname: 'Alfa' } },
      {
        changeSet: [
          { kind: 'upsert', id: b!, fields: { lastname: 'Bravo' } },
          { kind: 'upsert', id: c!, fields: { firstname: 'C'.repeat(51) } },
        ],
      },
      { kind: 'delete', id: existing },
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.index, o.ok, o.status, o.rolledBack ?? false]),
      [
        [0, true, 204, false],
        [1, false, 400, true],
        [2, false, 400, true],
        [3, true, 204, false],
      ],
    );
    assert.ok(outcomes[1]!.error instanceof PermanentError);
    assert.equal(outcomes[2]!.error?.detail.code, '0x80044331');
    assert.ok(h.emulator.admin.getContact(a!));
    assert.equal(h.emulator.admin.getContact(b!), undefined, 'the change set was rolled back');
    assert.equal(h.emulator.admin.getContact(existing), undefined);
  });

  test('$batch without continue-on-error: operations after the failure are reported as not executed', async () => {
    const ids = ['4', '5', '6'].map((n) => `5a1d0c3e-0000-4000-8000-00000000001${n}`);
    const outcomes = await h.client.batch(
      [
        { kind: 'upsert', id: ids[0]!, fields: { lastname: 'Een' } },
        { kind: 'upsert', id: ids[1]!, fields: { lastname: 'L'.repeat(60) } },
        { kind: 'upsert', id: ids[2]!, fields: { lastname: 'Drie' } },
      ],
      { continueOnError: false },
    );
    assert.deepEqual(
      outcomes.map((o) => [o.ok, o.executed, o.status]),
      [
        [true, true, 204],
        [false, true, 400],
        [false, false, 0],
      ],
    );
    assert.equal(h.emulator.admin.getContact(ids[2]!), undefined);
  });
});

test('an expired delta link becomes ChangeTrackingExpiredError (full resync needed)', async () => {
  const clock = new ManualClock();
  const h = await startHarness({ seedContacts: 3, clock, changeTokenLifetimeMs: 3_600_000 });
  try {
    const pages = await pagesOf(h.client.changes({ select: ['lastname'] }));
    const deltaLink = pages.at(-1)!.deltaLink!;
    clock.advance(2 * 3_600_000); // also outlives the access token: the client must renew it after a 401
    await assert.rejects(pagesOf(h.client.changes({ select: ['lastname'], deltaLink })), (e: unknown) => {
      assert.ok(e instanceof ChangeTrackingExpiredError);
      assert.deepEqual([e.detail.status, e.detail.code], [400, '0x80044352']);
      return true;
    });
    const statuses = h.emulator.admin.requestLog().map((r) => r.status);
    assert.deepEqual(statuses, [200, 401, 400]);
  } finally {
    await h.close();
  }
});

test('a wrong client secret is a clear permanent error and no Web API request is made', async () => {
  const h = await startHarness({ seedContacts: 1 }, { clientSecret: 'not-the-secret' });
  try {
    await assert.rejects(collect(h.client.contacts({ select: ['lastname'] })), (e: unknown) => {
      assert.ok(e instanceof PermanentError);
      assert.deepEqual(
        [e.detail.service, e.detail.code, e.detail.status],
        ['entra-id', 'AADSTS7000215', 401],
      );
      assert.match(e.message, /invalid_client.*Invalid client secret provided/);
      assert.ok(!e.message.includes('not-the-secret'));
      return true;
    });
    assert.equal(h.emulator.admin.requestCounts().total, 0);
  } finally {
    await h.close();
  }
});
