import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { createTestApp, TEST_MASTER_KEY } from '../helpers/stores.js';

const EXAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  'docs',
  'examples',
  'incident-facts',
  'guessable-export-url.json',
);

/** The contract of `koppel incidents assess` as a person or a script sees it (two spawns only). */
describe('koppel incidents assess (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koppel-assess-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints exactly one JSON object with the severity, the recommendation and the reasons', async () => {
    const run = await runCli(['incidents', 'assess', EXAMPLE, '--lang', 'nl', '--json'], {
      KOPPEL_DATA_DIR: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim().split('\n').length, 1, 'one line');
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['severity', 'notifyAuthority', 'notifyDataSubjects', 'reasons']);
    assert.deepEqual(out.severity, { score: 2, level: 'medium' });
    assert.deepEqual([out.notifyAuthority, out.notifyDataSubjects], [true, false]);
    assert.ok(out.reasons.length >= 3 && out.reasons.every((r: unknown) => typeof r === 'string'));
    assert.match(out.reasons.join(' '), /Autoriteit Persoonsgegevens/);
  });

  it('exits 1 naming each bad field and its rule on stderr', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        confidentiality: 'leaked',
        integrity: 'none',
        availability: 'none',
        cause: 'accidental',
        data: ['name'],
        people: { count: 2.5 },
        identifiability: 'maximum',
        protection: { state: 'none' },
        recipient: { kind: 'none' },
      }),
    );
    const run = await runCli(['incidents', 'assess', file], { KOPPEL_DATA_DIR: dir });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /confidentiality: must be one of none, exposed-no-evidence-of-access, /);
    assert.match(run.stderr, /people\.count: must be a whole number/);
    assert.match(run.stderr, /exfiltration: is required/);
  });

  it('records the facts and the assessment on an incident with --incident, and the decision with decide', async () => {
    const t = await createTestApp('sqlite');
    await t.app.tenants.add('acme', 'Acme Test BV');
    const actor = { actor: 'fg', role: 'dpo' as const, address: '127.0.0.1' };
    const { id } = await t.app.incidents.report(
      { title: 'Contact export reachable', tenants: ['acme'] },
      actor,
    );
    await t.app.close();
    const env = {
      KOPPEL_DATA_DIR: t.dataDir,
      KOPPEL_STORE_URL: t.storeUrl,
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
    };
    try {
      const assessed = await runCli(['incidents', 'assess', EXAMPLE, '--incident', id], env);
      assert.equal(assessed.code, 0, assessed.stderr);
      assert.equal(JSON.parse(assessed.stdout).notifyAuthority, true);
      const decided = await runCli(
        ['incidents', 'decide', id, '--notify-authority', 'yes', '--notify-subjects', 'no', '--json'],
        env,
      );
      assert.equal(decided.code, 0, decided.stderr);
      assert.deepEqual(JSON.parse(decided.stdout), {
        id,
        notifyAuthority: true,
        notifyDataSubjects: false,
        followsRecommendation: true,
      });
      // decide succeeding "as recommended" shows the assessment was recorded on the incident.
    } finally {
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });
});
