import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFParse } from 'pdf-parse';
import type { Actor } from '../../src/incidents/incident-model.js';
import { runCli } from '../helpers/cli.js';
import { createTestApp, TEST_MASTER_KEY } from '../helpers/stores.js';
import { FACTS } from './fixtures/incident-factory.js';

const PROCESSOR = {
  name: 'Voorbeeld Koppelingen B.V.',
  dpo: { name: 'Test FG', email: 'fg@voorbeeld.example' },
};
const DPO: Actor = { actor: 'test-dpo-1', role: 'dpo', address: 'test' };

describe('koppel incidents export (CLI)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let id: string;
  let config: string;
  before(async () => {
    // A real register on a real store, then closed: the CLI opens the same data directory.
    const t = await createTestApp('sqlite', { processor: PROCESSOR });
    dataDir = t.dataDir;
    config = join(dataDir, 'koppel.json');
    writeFileSync(config, JSON.stringify({ processor: PROCESSOR }));
    env = { KOPPEL_MASTER_KEY: TEST_MASTER_KEY, KOPPEL_DATA_DIR: t.dataDir, KOPPEL_STORE_URL: t.storeUrl };
    await t.app.tenants.add('testklant-1', 'Testklant Eén');
    const reported = await t.app.incidents.report(
      { title: 'API-sleutel uitgelekt bij Testklant Eén', tenants: ['testklant-1'] },
      DPO,
    );
    id = reported.id;
    await t.app.incidents.advance(id, 'triage', { reason: 'signaal bekeken' }, DPO);
    t.clock.advance(3_600_000);
    await t.app.incidents.advance(
      id,
      'breach-confirmed',
      { reason: 'sleutel is gebruikt', awareAt: t.clock.now() },
      DPO,
    );
    await t.app.incidents.append(id, { type: 'facts-recorded', facts: FACTS }, DPO);
    await t.app.close();
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes a PDF to the file given, which opens and holds the notice', async () => {
    const out = join(dataDir, 'notice.pdf');
    const run = await runCli(
      [
        '--config',
        config,
        'incidents',
        'export',
        id,
        '--doc',
        'customer-notice',
        '--format',
        'pdf',
        '--lang',
        'nl',
        '--out',
        out,
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`^wrote ${out.replaceAll('.', '\\.')} \\(customer-notice, pdf, nl, \\d+ bytes\\)`),
    );
    const parser = new PDFParse({ data: new Uint8Array(readFileSync(out)) });
    const text = (await parser.getText()).text.replace(/\s+/g, ' ');
    await parser.destroy();
    for (const element of [
      'Melding van een inbreuk in verband met persoonsgegevens (datalek)',
      'Aan: Testklant Eén',
      'API-sleutel uitgelekt bij Testklant Eén',
      'Categorieën gegevens',
      '1.250 personen',
      `incident ${id}`,
      'Uw termijn voor de Autoriteit Persoonsgegevens',
      'fg@voorbeeld.example',
    ])
      assert.ok(text.includes(element), `PDF lacks "${element}"`);

    // A PDF is never written to the terminal; an unknown incident names itself.
    const noOut = await runCli(['incidents', 'export', id, '--doc', 'ap-sheet', '--format', 'pdf'], env);
    assert.equal(noOut.code, 1);
    assert.match(noOut.stderr, /--out must be given for --format pdf/);
    assert.equal(existsSync(join(dataDir, 'ap-sheet.pdf')), false);
  });
});
