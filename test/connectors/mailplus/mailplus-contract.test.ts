import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isGloballyOptedOut,
  MailplusConnector,
  permissionChanges,
  permissionsOf,
} from '../../../src/connectors/mailplus/mailplus-connector.js';
import { MailplusOptOutError } from '../../../src/connectors/mailplus/mailplus-errors.js';
import { PermanentError, RetryableError } from '../../../src/errors.js';
import { type Pair, person, startPair } from './fixtures.js';

describe('Mail+ client contract (against the emulator)', () => {
  let pair: Pair;
  let connector: MailplusConnector;
  before(async () => {
    pair = await startPair();
    connector = new MailplusConnector(pair.client);
  });
  after(() => pair.close());

  it('lists the account properties, including set fields with bits', async () => {
    const properties = await pair.client.listProperties();
    const permissions = properties.find((p) => p.name === 'permissions');
    assert.equal(permissions?.type, 'set');
    assert.deepEqual(
      permissions?.entries?.map((e) => e.bit),
      [1, 2, 4],
    );
    assert.ok(properties.some((p) => p.name === 'interests' && p.type === 'set'));
    assert.equal(properties.find((p) => p.name === 'email')?.entries, undefined);
  });

  it('upserts: creates, then merges without purging', async () => {
    await pair.client.upsertContact(person('c-1', { city: 'Utrecht' }));
    await pair.client.upsertContact({ externalId: 'c-1', properties: { firstName: 'Anders' } });
    const contact = await pair.client.getContact('c-1');
    assert.equal(contact?.properties.firstName, 'Anders');
    assert.equal(contact?.properties.city, 'Utrecht');
    assert.equal(typeof contact?.lastChanged, 'number');
    assert.deepEqual(
      contact?.channels?.find((c) => c.name === 'EMAIL'),
      { name: 'EMAIL', value: true },
    );
  });

  it('purge:true clears what the request leaves out', async () => {
    await pair.client.updateContact(
      { externalId: 'c-1', properties: { email: 'c-1@example.com' } },
      { purge: true },
    );
    const contact = await pair.client.getContact('c-1');
    assert.deepEqual(Object.keys(contact!.properties), ['email']);
  });

  it('returns null for an unknown contact and refuses a PUT to it', async () => {
    assert.equal(await pair.client.getContact('nobody'), null);
    await assert.rejects(
      pair.client.updateContact(person('nobody')),
      (e: unknown) =>
        e instanceof PermanentError && e.detail.status === 404 && e.detail.code === 'CONTACT_NOT_FOUND',
    );
  });

  it('keys on externalId: two contacts may share an e-mail address', async () => {
    await pair.client.upsertContact({ externalId: 'dup-a', properties: { email: 'gedeeld@example.com' } });
    await pair.client.upsertContact({ externalId: 'dup-b', properties: { email: 'gedeeld@example.com' } });
    const emails = [await pair.client.getContact('dup-a'), await pair.client.getContact('dup-b')];
    assert.deepEqual(
      emails.map((c) => c?.properties.email),
      ['gedeeld@example.com', 'gedeeld@example.com'],
    );
  });

  it('turns a mixed bulk into one outcome per record, writing the good ones', async () => {
    const outcomes = await pair.client.upsertContacts([
      person('b-ok-1'),
      person('b-bad-email', { email: 'geen-adres' }),
      person('b-unknown-prop', { shoeSize: 43 }),
      person('b-too-long', { lastName: 'x'.repeat(256) }),
      person('b-bad-gender', { gender: 'X' }),
      person('b-bad-bit', { permissions: [{ bit: 64, enabled: true }] }),
      person('b-ok-2'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.externalId, o.ok ? 'OK' : o.code]),
      [
        ['b-ok-1', 'OK'],
        ['b-bad-email', 'PROPERTY_INVALID'],
        ['b-unknown-prop', 'PROPERTY_INVALID'],
        ['b-too-long', 'PROPERTY_INVALID'],
        ['b-bad-gender', 'PROPERTY_INVALID'],
        ['b-bad-bit', 'PROPERTY_INVALID'],
        ['b-ok-2', 'OK'],
      ],
    );
    for (const o of outcomes) if (!o.ok) assert.ok(o.error instanceof PermanentError);
    assert.ok(pair.emulator.admin.contact('b-ok-2'));
    assert.equal(pair.emulator.admin.contact('b-bad-email'), undefined);
  });

  it('enforces the 100-contact cap before sending anything', async () => {
    pair.emulator.admin.resetRequests();
    const many = Array.from({ length: 101 }, (_, i) => person(`cap-${i}`));
    await assert.rejects(pair.client.upsertContacts(many), /at most 100 contacts/);
    assert.equal(pair.emulator.admin.requestCounts().total, 0);
  });

  it('the connector splits 250 contacts into calls of at most 100', async () => {
    pair.emulator.admin.resetRequests();
    const outcomes = await connector.upsertBatch(Array.from({ length: 250 }, (_, i) => person(`chunk-${i}`)));
    assert.equal(outcomes.length, 250);
    assert.ok(outcomes.every((o) => o.status === 'written'));
    assert.equal(pair.emulator.admin.requestCounts().byRoute['POST /contact/list'], 3);
  });

  it('changes permissions per bit and reads them keyed on bit', async () => {
    await pair.client.upsertContact(person('perm-1', { permissions: [{ bit: 1, enabled: true }] }));
    const change = permissionChanges(new Map([[2, true]]));
    await pair.client.updateContact({ externalId: 'perm-1', properties: { permissions: change } });
    const contact = await pair.client.getContact('perm-1');
    assert.deepEqual(
      [...permissionsOf(contact!)],
      [
        [1, true],
        [2, true],
        [4, false],
      ],
    );
  });

  it('anonymizes: the externalId stays, every property goes', async () => {
    await pair.client.upsertContact(person('anon-1', { city: 'Gent' }));
    assert.equal(await pair.client.anonymizeContact('anon-1'), 'anonymized');
    const contact = await pair.client.getContact('anon-1');
    assert.deepEqual(contact?.properties, {});
    assert.equal(await pair.client.anonymizeContact('never-there'), 'not-found');
  });
});

describe('global opt-out is sticky', () => {
  let pair: Pair;
  let connector: MailplusConnector;
  before(async () => {
    pair = await startPair();
    connector = new MailplusConnector(pair.client);
    await pair.client.upsertContact(person('opt-1', { permissions: [{ bit: 1, enabled: true }] }));
    pair.emulator.admin.optOut('opt-1');
  });
  after(() => pair.close());

  it('shows as opted out with every permission off', async () => {
    const contact = await pair.client.getContact('opt-1');
    assert.ok(isGloballyOptedOut(contact!));
    assert.ok([...permissionsOf(contact!).values()].every((enabled) => !enabled));
  });

  it('refuses a single write that re-enables a permission with CONTACT_OPTOUT', async () => {
    await assert.rejects(
      pair.client.upsertContact(person('opt-1', { permissions: [{ bit: 1, enabled: true }] })),
      (e: unknown) => e instanceof MailplusOptOutError && e.detail.code === 'CONTACT_OPTOUT',
    );
  });

  it('applies a write that leaves permissions alone, and stays opted out', async () => {
    await pair.client.upsertContact({ externalId: 'opt-1', properties: { city: 'Zwolle' } });
    const contact = await pair.client.getContact('opt-1');
    assert.equal(contact?.properties.city, 'Zwolle');
    assert.ok(isGloballyOptedOut(contact!));
  });

  it('the connector writes the data without the consent and reports written-opted-out', async () => {
    const outcomes = await connector.upsertBatch([
      person('opt-1', { city: 'Breda', permissions: [{ bit: 1, enabled: true }] }),
      person('opt-2', { permissions: [{ bit: 1, enabled: true }] }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['written-opted-out', 'written'],
    );
    const contact = await pair.client.getContact('opt-1');
    assert.equal(contact?.properties.city, 'Breda');
    assert.equal(permissionsOf(contact!).get(1), false);
  });

  it('only the person can undo it (a subscribe form)', async () => {
    pair.emulator.admin.resubscribe('opt-1', [1]);
    const contact = await pair.client.getContact('opt-1');
    assert.ok(!isGloballyOptedOut(contact!));
    assert.equal(permissionsOf(contact!).get(1), true);
  });

  it('a bulk call that fails as a whole becomes failed outcomes, not a throw', async () => {
    const fault = { kind: 'status', status: 503 } as const;
    pair.emulator.admin.injectFaults(fault, fault, fault, fault, fault);
    const outcomes = await connector.upsertBatch([person('whole-1'), person('whole-2')]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'failed' ? o.error instanceof RetryableError : o.status)),
      [true, true],
    );
  });
});
