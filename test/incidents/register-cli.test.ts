import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';

describe('koppel incidents (CLI)', () => {
  it('new --json, advance and show --json; a refused step exits 1 with the reason', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-incidents-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    try {
      const app = await createApp(loadConfig({ env }), { env });
      await app.tenants.add('acme', 'Acme Test BV');
      await app.close();

      const unknown = await runCli(['incidents', 'new', '--title', 'x', '--tenant', 'nosuch', '--json'], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no tenant "nosuch"/);

      const created = await runCli(
        ['incidents', 'new', '--title', 'Lost laptop', '--tenant', 'acme', '--json'],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const out = JSON.parse(created.stdout) as { id: string; dpoNotified: boolean; dpoNotifiedWhy?: string };
      assert.match(out.id, /^INC-\d{4}-0001$/);
      assert.equal(out.dpoNotified, false, 'no DPO address is configured here');
      assert.match(out.dpoNotifiedWhy ?? '', /notifications\.dpoEmail/);

      const triage = await runCli(['incidents', 'advance', out.id, 'triage', '--reason', 'checking'], env);
      assert.equal(triage.code, 0, triage.stderr);
      const refused = await runCli(
        ['incidents', 'advance', out.id, 'breach-confirmed', '--reason', 'read'],
        env,
      );
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /refused: confirming a breach needs awareAt/);
      const aware = new Date().toISOString(); // after the report's detection, before the child's now
      const confirmed = await runCli(
        [
          'incidents',
          'advance',
          out.id,
          'breach-confirmed',
          '--reason',
          'disk not encrypted',
          '--aware-at',
          aware,
        ],
        env,
      );
      assert.equal(confirmed.code, 0, confirmed.stderr);

      const shown = await runCli(['incidents', 'show', out.id, '--json'], env);
      assert.equal(shown.code, 0, shown.stderr);
      const incident = JSON.parse(shown.stdout) as {
        state: string;
        awareAt: number;
        timeline: Array<{ by: string; text: string }>;
        clocks: { deadlines: Array<{ name: string; tenantId: string; due: number; dueAmsterdam: string }> };
      };
      assert.equal(incident.state, 'breach-confirmed');
      assert.equal(incident.awareAt, Date.parse(aware));
      const notice = incident.clocks.deadlines.find((d) => d.name === 'customer-notice');
      assert.equal(notice?.tenantId, 'acme');
      assert.equal(notice?.due, Date.parse(aware) + 24 * 3_600_000);
      assert.match(notice?.dueAmsterdam ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+0[12]:00$/);
      assert.ok(
        incident.timeline.some(
          (t) => /moved from triage to breach-confirmed/.test(t.text) && t.by.startsWith('cli:'),
        ),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
