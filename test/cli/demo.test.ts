import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runCli } from '../helpers/cli.js';

const CONTACTS = 2000;

describe('koppel demo --exit-when-done (the README main job, smaller)', () => {
  let dir: string;
  let run: CliRun;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'koppel-demo-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ status: { port: 0 }, server: { port: 0 } }));
    const env = { KOPPEL_DATA_DIR: dir, KOPPEL_MASTER_KEY: '', KOPPEL_CONFIG: join(dir, 'config.json') };
    run = await runCli(
      ['demo', '--contacts', String(CONTACTS), '--exit-when-done', '--poll-interval', '200'],
      env,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 once the load and every edit have crossed', () => {
    assert.equal(run.code, 0, run.stderr);
  });

  it('shows the initial load progressing in plain lines when not on a terminal', () => {
    const quarters = [...run.stdout.matchAll(/^ {3}([\d,]+) of 2,000 contacts \((\d+)%\)$/gm)];
    assert.deepEqual(
      quarters.map((m) => m[2]).at(-1),
      '100',
      `the last progress line is 100 %:\n${run.stdout}`,
    );
    assert.equal(quarters.at(-1)![1], '2,000');
    assert.match(
      run.stdout,
      /^ {3}2,000 contacts in \d+\.\d s \([\d,]+\/s\); API calls: Dataverse \d+, Mail\+ \d+$/m,
    );
  });

  it('sends a mailing whose sends, opens and clicks all arrive in Dataverse as activities', () => {
    const sent = /^ {3}mailing sent to ([\d,]+): ([\d,]+) opens, ([\d,]+) clicks, ([\d,]+) bounces$/m.exec(
      run.stdout,
    );
    const stored = /^ {3}in Dataverse: ([\d,]+) of ([\d,]+) activities/m.exec(run.stdout);
    assert.ok(sent && stored, run.stdout);
    assert.equal(sent[1], '2,000');
    assert.ok(Number(sent[2]!.replace(/,/g, '')) > 0 && Number(sent[3]!.replace(/,/g, '')) > 0);
    assert.equal(stored[1], stored[2]);
  });

  it('makes edits on both sides and reports each one as it arrives', () => {
    const made = [...run.stdout.matchAll(/^ {3}made: {4}(.+)$/gm)].map((m) => m[1]);
    const arrived = [...run.stdout.matchAll(/^ {3}arrived: (.+)$/gm)].map((m) => m[1]);
    assert.ok(made.some((d) => d!.startsWith('Dataverse:')) && made.some((d) => d!.startsWith('Mail+:')));
    assert.deepEqual([...arrived].sort(), [...made].sort());
  });

  it('ends with a summary in words: everything written, nothing dead-lettered', () => {
    const summary =
      /4\. Summary\n {3}read: {6}[\d,]+ changes from Dataverse, [\d,]+ from Mail\+ \([\d,]+ of them koppel's own writes coming back, dropped\)\n {3}written: {3}([\d,]+) contacts to Mail\+, (\d+) to Dataverse; (\d+) anonymized in Mail\+\n {3}attention: \d+ conflicts settled by the field's owner, \d+ retries, (\d+) dead letters \(koppel status\)\n {3}total time [\d.]+ s/.exec(
        run.stdout,
      );
    assert.ok(summary, run.stdout);
    assert.ok(Number(summary[1]!.replace(/,/g, '')) >= CONTACTS, `all ${CONTACTS} written`);
    assert.ok(Number(summary[2]) >= 2, 'the two Mail+ edits reached Dataverse');
    assert.equal(summary[3], '2', 'the deactivated and the do-not-bulk-e-mail contact');
    assert.equal(summary[4], '0');
  });

  it('prints no personal data: no e-mail address, ids and counts only', () => {
    assert.doesNotMatch(run.stdout, /[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});
