import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Column } from '../../src/emulators/dataverse/contact-schema.js';
import { DEFAULT_ACCOUNT_PROPERTIES } from '../../src/emulators/mailplus/index.js';
import {
  DEFAULT_FIELDS,
  DEFAULT_PERMISSIONS,
  type FieldMappingInput,
  type SyncDefinitionInput,
} from '../../src/sync/mapping/index.js';
import type { SyncContext } from '../../src/sync/sync-context.js';
import { QUEUE_TO_DATAVERSE } from '../../src/sync/sync-mapper.js';
import { runCli } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import { type HarnessOptions, type SyncHarness, TENANT, withSyncHarness } from './sync-harness.js';

// A tenant that maps columns its makers added to contact (publisher prefix new_) and Mail+ fields
// beyond the standard ones: a text property of its own and bits of the interests and preferences sets.

/** Bits of the emulated account's set entries (account-properties.ts: 1, 2, 4, 8 in listed order). */
const FIETSEN = 1;
const KOKEN = 4;
const PREFERENCES = [
  { bit: 1, label: 'Wekelijks' },
  { bit: 2, label: 'Maandelijks' },
  { bit: 4, label: 'Alleen belangrijke berichten' },
];

const CUSTOM_COLUMNS: Record<string, Column> = {
  new_klantnummer: { type: 'string', maxLength: 20 },
  new_fietsliefhebber: { type: 'boolean' },
  new_voorkeuren: { type: 'string', maxLength: 100 },
};

const OPTIONS: HarnessOptions = {
  contacts: 4,
  dataverseOptions: { customColumns: CUSTOM_COLUMNS },
  mailplusOptions: {
    properties: [
      ...DEFAULT_ACCOUNT_PROPERTIES,
      { name: 'klantnummer', description: 'Klantnummer CRM', type: 'string' },
    ],
  },
};

/** The custom fields; `klantnummer` adds options to the text mapping (e.g. its maxLength). */
function customFields(klantnummer: Partial<FieldMappingInput> = {}): FieldMappingInput[] {
  return [
    {
      dataverse: 'new_klantnummer',
      mailplus: 'klantnummer',
      direction: 'both',
      owner: 'dataverse',
      category: 'reference',
      ...klantnummer,
    },
    {
      dataverse: 'new_fietsliefhebber',
      mailplus: 'interests',
      direction: 'both',
      owner: 'mailplus',
      transform: { name: 'set-boolean', bit: FIETSEN },
      category: 'interests',
    },
    {
      dataverse: 'new_voorkeuren',
      mailplus: 'preferences',
      direction: 'both',
      owner: 'mailplus',
      transform: { name: 'set-string', labels: PREFERENCES },
      category: 'interests',
    },
  ];
}

function definition(fields = customFields()): SyncDefinitionInput {
  return {
    scope: { kind: 'all-active' },
    fields: [...DEFAULT_FIELDS, ...fields],
    permissions: DEFAULT_PERMISSIONS,
  };
}

type Test = (h: SyncHarness, ids: string[], ctx: SyncContext) => Promise<void>;

/**
 * A harness whose tenant uses `def`. The engine built its mapper before the definition was stored, so
 * it is started afresh; `ctx` is the new one, whose counters start at zero.
 */
function withCustomFields(def: SyncDefinitionInput, test: Test): Promise<void> {
  return withSyncHarness(OPTIONS, async (h) => {
    await h.useDefinition(def);
    const ids = h.dataverse.admin.listContacts().map((row) => String(row.contactid));
    await test(h, ids, h.ctx);
  });
}

/** Each bit of a Mail+ set property and whether it is on; {} when the contact has none of it set. */
function setBits(h: SyncHarness, id: string, property: string): Record<number, boolean> {
  const entries = h.mailplus.admin.contact(id)?.properties?.[property] as
    | Array<{ bit: number; enabled: boolean }>
    | undefined;
  return Object.fromEntries((entries ?? []).map((e) => [e.bit, e.enabled]));
}

const klantnummerIn = (h: SyncHarness, id: string) => h.mailplus.admin.contact(id)?.properties?.klantnummer;
const dataverseRow = (h: SyncHarness, id: string) => h.dataverse.admin.getContact(id)!;

describe('custom fields: koppel tenant mapping set', () => {
  it("checks the definition against both systems' reports: custom columns pass, a misspelt one is refused with a near match", () =>
    withSyncHarness(OPTIONS, async (h) => {
      const env = {
        KOPPEL_DATA_DIR: h.t.dataDir,
        KOPPEL_STORE_URL: h.t.storeUrl,
        KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      };
      const good = join(h.t.dataDir, 'custom.json');
      writeFileSync(good, JSON.stringify(definition()));
      const stored = await runCli(['tenant', 'mapping', 'set', TENANT, good], env);
      assert.equal(stored.code, 0, stored.stderr);
      assert.match(stored.stdout, new RegExp(`${DEFAULT_FIELDS.length + 3} fields`));

      const typo = join(h.t.dataDir, 'typo.json');
      writeFileSync(typo, JSON.stringify(definition(customFields({ dataverse: 'new_klantnumer' }))));
      const refused = await runCli(['tenant', 'mapping', 'set', TENANT, typo], env);
      assert.equal(refused.code, 1);
      const at = `fields\\[${DEFAULT_FIELDS.length}\\]\\.dataverse`;
      assert.match(refused.stderr, new RegExp(`${at}: .*'new_klantnumer' does not exist.*'new_klantnummer'`));
      const inUse = await h.t.app.definitions.get(TENANT);
      assert.ok(
        inUse.fields.some((f) => f.dataverse === 'new_klantnummer'),
        'the checked definition stays',
      );
    }));
});

describe('custom fields: the initial load', () => {
  it('carries custom column values to the Mail+ text property and the interest and preference bits, writing nothing back', () =>
    withCustomFields(definition(), async (h, [cyclist, other, untouched], ctx) => {
      h.dataverse.admin.updateContact(cyclist!, {
        new_klantnummer: 'KL-2026-0001',
        new_fietsliefhebber: true,
        // Typed by hand: labels are matched without regard to case.
        new_voorkeuren: 'Maandelijks; alleen belangrijke berichten',
      });
      h.dataverse.admin.updateContact(other!, {
        new_klantnummer: 'KL-2026-0002',
        new_fietsliefhebber: false,
      });
      await h.settle();

      assert.equal(klantnummerIn(h, cyclist!), 'KL-2026-0001');
      assert.equal(setBits(h, cyclist!, 'interests')[FIETSEN], true);
      assert.deepEqual(setBits(h, cyclist!, 'preferences'), { 1: false, 2: true, 4: true });
      assert.equal(klantnummerIn(h, other!), 'KL-2026-0002');
      assert.equal(setBits(h, other!, 'interests')[FIETSEN], false);
      assert.equal(klantnummerIn(h, untouched!), undefined, 'an empty column leaves the property empty');
      assert.notEqual(setBits(h, untouched!, 'interests')[FIETSEN], true);
      assert.equal(ctx.stats.writtenToDataverse, 0, 'the values Mail+ now shows are echoes, not edits');
      assert.equal(
        dataverseRow(h, cyclist!).new_voorkeuren,
        'Maandelijks; alleen belangrijke berichten',
        'the column keeps its own spelling',
      );
      assert.deepEqual(await h.t.app.queue.listDeadLetters(), []);
    }));
});

describe('custom fields: live edits', () => {
  it('an edit of the custom columns in Dataverse arrives in Mail+, changing only the mapped bits', () =>
    withCustomFields(definition(), async (h, [id]) => {
      h.dataverse.admin.updateContact(id!, {
        new_klantnummer: 'KL-2026-0001',
        new_voorkeuren: 'Maandelijks',
      });
      await h.settle();
      // The person ticks "Koken" on a Mail+ form: a bit no field maps.
      h.mailplus.admin.edit(id!, { interests: [{ bit: KOKEN, enabled: true }] });
      await h.settle();

      h.dataverse.admin.updateContact(id!, {
        new_klantnummer: 'KL-2026-0099',
        new_fietsliefhebber: true,
        new_voorkeuren: 'Wekelijks',
      });
      await h.settle();
      assert.equal(klantnummerIn(h, id!), 'KL-2026-0099');
      assert.deepEqual(setBits(h, id!, 'interests'), { 1: true, 2: false, 4: true, 8: false }, 'Koken kept');
      assert.deepEqual(setBits(h, id!, 'preferences'), { 1: true, 2: false, 4: false });
    }));

  it('a change of the interest bit and the preferences in Mail+ arrives in the custom columns; an unmapped bit writes nothing', () =>
    withCustomFields(definition(), async (h, [cook, cyclist, customer], ctx) => {
      await h.settle();
      const version = dataverseRow(h, cook!).versionnumber;
      // Made together, so the feed read that carries the others carries "Koken" (no field maps it) too.
      h.mailplus.admin.edit(cook!, { interests: [{ bit: KOKEN, enabled: true }] });
      h.mailplus.admin.edit(cyclist!, {
        interests: [{ bit: FIETSEN, enabled: true }],
        preferences: [
          { bit: 1, enabled: true },
          { bit: 2, enabled: true },
        ],
      });
      h.mailplus.admin.edit(customer!, { klantnummer: 'KL-2026-0003' });
      await h.settle();
      assert.equal(dataverseRow(h, cyclist!).new_fietsliefhebber, true);
      assert.equal(dataverseRow(h, cyclist!).new_voorkeuren, 'Wekelijks; Maandelijks');
      assert.equal(dataverseRow(h, customer!).new_klantnummer, 'KL-2026-0003');
      assert.equal(
        dataverseRow(h, cook!).versionnumber,
        version,
        'Koken is not mapped: Dataverse is untouched',
      );
      assert.equal(ctx.stats.writtenToDataverse, 2);

      h.mailplus.admin.edit(cyclist!, { interests: [{ bit: FIETSEN, enabled: false }] });
      await h.settle();
      assert.equal(dataverseRow(h, cyclist!).new_fietsliefhebber, false, 'switching the bit off arrives too');
    }));
});

describe('custom fields: a value too long for the custom column', () => {
  const tooLong = 'KL-2026-000000000000001';

  /** The poison contact's edit is dead-lettered; the other contacts' edits of the same fields arrive. */
  async function editTooLong(h: SyncHarness, [poison, ...rest]: string[]): Promise<string> {
    await h.settle();
    assert.ok(tooLong.length > 20 && tooLong.length <= 255, 'fits Mail+, not the column');
    h.mailplus.admin.edit(poison!, { klantnummer: tooLong, interests: [{ bit: FIETSEN, enabled: true }] });
    for (const [i, id] of rest.entries()) {
      h.mailplus.admin.edit(id, {
        klantnummer: `KL-2026-010${i}`,
        interests: [{ bit: FIETSEN, enabled: true }],
      });
    }
    await h.settle();
    const dead = await h.t.app.queue.listDeadLetters();
    assert.deepEqual(
      dead.map((d) => [d.queue, d.key]),
      [[QUEUE_TO_DATAVERSE, poison]],
      'only the poison record is dead-lettered',
    );
    const reason = dead[0]!.description!;
    assert.ok(!reason.includes(tooLong), 'the reason names the field, never the value');
    assert.equal(dataverseRow(h, poison!).new_klantnummer, undefined, 'nothing of it is written');
    assert.notEqual(dataverseRow(h, poison!).new_fietsliefhebber, true);
    for (const [i, id] of rest.entries()) {
      assert.equal(dataverseRow(h, id).new_klantnummer, `KL-2026-010${i}`);
      assert.equal(dataverseRow(h, id).new_fietsliefhebber, true);
    }
    return reason;
  }

  it("with the column's maxLength in the definition, koppel refuses it before writing, naming the field and 20", () =>
    withCustomFields(definition(customFields({ maxLength: 20 })), async (h, ids) => {
      const reason = await editTooLong(h, ids);
      assert.match(reason, /klantnummer -> new_klantnummer: is longer than the maximum of 20 characters/);
    }));

  it('without it, Dataverse refuses the update and its reason, naming the column and 20, is kept', () =>
    withCustomFields(definition(), async (h, ids) => {
      const reason = await editTooLong(h, ids);
      assert.match(reason, /0x80044331/);
      assert.match(reason, /'new_klantnummer' attribute .* maximum allowed length of '20'/);
    }));
});
