import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';

describe('koppel register export (CLI)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'koppel-register-'));
    env = { KOPPEL_DATA_DIR: join(dir, 'data'), KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    const added = await runCliInProcess(['tenant', 'add', 'acme', '--name', 'Acme <b>BV</b>'], env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each format to a file, and says what is not configured', async () => {
    for (const format of ['md', 'json', 'html', 'pdf']) {
      const out = join(dir, `register.${format}`);
      // html by a relative name: written in the CLI's working directory, and named as given.
      const arg = format === 'html' ? 'register.html' : out;
      const run = await runCliInProcess(
        ['register', 'export', '--format', format, '--lang', 'en', '--out', arg],
        env,
        dir,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stdout,
        new RegExp(`wrote ${arg.replaceAll('.', '\\.')} \\(${format}, en, configuration sha256:`),
      );
      assert.match(run.stderr, /not configured yet: processor\.name, .*processor\.breachContacts/);
      assert.equal(statSync(out).mode & 0o077 & ~0o040, 0, 'not readable or writable by others');
    }
    const json = JSON.parse(readFileSync(join(dir, 'register.json'), 'utf8'));
    assert.equal(json.kind, 'koppel-processing-register');
    assert.equal(json.lang, 'en');
    assert.deepEqual(
      json.controllers.map((c: { id: string }) => c.id),
      ['acme'],
    );
    assert.equal(json.categoryLabels.email, 'E-mail address');
    assert.match(readFileSync(join(dir, 'register.md'), 'utf8'), /^# Record of processing activities/);
    const html = readFileSync(join(dir, 'register.html'), 'utf8');
    assert.match(html, /Acme &lt;b&gt;BV&lt;\/b&gt;/);
    assert.equal(readFileSync(join(dir, 'register.pdf')).subarray(0, 5).toString(), '%PDF-');
  });

  it('prints Dutch Markdown to standard output by default, and one tenant with --tenant', async () => {
    const run = await runCliInProcess(['register', 'export', '--tenant', 'acme'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# Register van verwerkingsactiviteiten/);
    assert.match(run.stdout, /niet ingesteld: vul processor\.name in de configuratie in/);
    const missing = await runCliInProcess(['register', 'export', '--tenant', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no tenant "nope"/);
  });

  it('exits 2 on an unknown format or language', async () => {
    // Spawned: a usage error must be the process's exit code 2.
    const format = await runCli(['register', 'export', '--format', 'docx'], env);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /argument 'docx' is invalid\. Allowed choices are md, json, html, pdf/);
    const pdf = await runCliInProcess(['register', 'export', '--format', 'pdf'], env);
    assert.equal(pdf.code, 1, 'a PDF is never written to the terminal');
    assert.match(pdf.stderr, /--out must be given for --format pdf/);
    assert.equal(pdf.stdout, '');
    const lang = await runCliInProcess(['register', 'export', '--lang', 'de'], env);
    assert.equal(lang.code, 2);
  });

  it('refuses an invalid processor section, naming the field and the reason', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(
      config,
      JSON.stringify({
        processor: {
          notificationHours: 96,
          dpo: { email: 'not-an-address' },
          subProcessors: [{ name: 'X', service: 'mail', location: 'Ohio', country: 'US' }],
        },
      }),
    );
    const run = await runCliInProcess(['--config', config, 'register', 'export'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /processor\.notificationHours: must be less than 72: .*Art\. 33\(1\) GDPR/);
    assert.match(run.stderr, /processor\.dpo\.email: must be an e-mail address/);
    assert.match(
      run.stderr,
      /processor\.subProcessors\.0\.transferSafeguard: must be set: US is outside the EEA/,
    );
    assert.equal(run.stdout, '');
  });

  it('uses a configured processor section', async () => {
    const config = join(dir, 'good.json');
    writeFileSync(
      config,
      JSON.stringify({
        processor: { name: 'Voorbeeld B.V.', notificationHours: 36, subProcessors: [] },
        queue: { deadLetterRetentionDays: 3 },
      }),
    );
    const run = await runCliInProcess(['--config', config, 'register', 'export', '--lang', 'en'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\*\*Name:\*\* Voorbeeld B\.V\./);
    assert.match(run.stdout, /at the latest within 36 hours/);
    assert.match(run.stdout, /None: the processor engages no sub-processors\./);
    assert.match(run.stdout, /kept 3 days for diagnosis/);
    assert.doesNotMatch(run.stdout, /set processor\.subProcessors/);
  });
});
