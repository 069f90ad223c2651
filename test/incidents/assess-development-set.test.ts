import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assess } from '../../src/incidents/assess.js';
import { parseFacts } from '../../src/incidents/facts-issues.js';

/**
 * The development set: every example of EDPB Guidelines 9/2022 Annex B listed in
 * ../shared/research/breach.md §3.8 and the worked example of §4.6, each a file in
 * test/incidents/development-set/ with the facts and the expected recommendation. Where the guideline's
 * verdict is conditional ("depending on the data", "if the consequences are severe"), there is one file
 * per side of the condition, with the facts that decide it.
 *
 * What we could check of the research note's verdicts (marked [R], "as recalled"), with the search tool:
 * - i (encrypted USB key) and iv (ransomware without backup): confirmed by a summary of the EDPB
 *   examples (brieflynow.com, Orrick library): no notification for the encrypted key unless the key is
 *   compromised; for ransomware without backup, the SA if there are consequences, the people depending
 *   on the consequences of the loss.
 * - x (open distribution list) and the trusted-recipient rule: consistent with a summary of EDPB
 *   Guidelines 01/2021 (ije.be): "yes if a large number of recipients or sensitive data"; an e-mail to a
 *   trusted third party bound to confidentiality that deleted it: no notification, if no sensitive data.
 * - The structure of 9/2022 (issuu copy of v2.0, 28 March 2023; WP250rev.01 TOC on docslib/scribd)
 *   matches the note; the Annex B table itself was not found in the stored pages, so ii, iii, v, vi,
 *   vii, viii and ix rest on the note. Of these, v is the least certain: the note says the people are
 *   notified "only if high risk"; a month of a named customer's transactions seen by a stranger is
 *   scored high by ENISA (financial 3 × 1 + 0.25), so we expect notifyDataSubjects true.
 * - vii: the guideline's point is that the processor informs each controller; the verdict we test is
 *   the controller's (notify the SA; the people only with a high risk, which contact details are not).
 */
interface DevelopmentCase {
  source: string;
  situation: string;
  facts: unknown;
  expected: {
    notifyAuthority: boolean;
    notifyDataSubjects: boolean;
    severity?: { score: number; level: string };
    reasonCodes?: string[];
  };
}

const DIR = join(import.meta.dirname, 'development-set');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('development set: EDPB 9/2022 Annex B and the ENISA worked example', () => {
  it('has every Annex B example of breach.md §3.8 (i to x) and the worked example', () => {
    for (const n of ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'])
      assert.ok(
        files.some((f) => f.startsWith(`annex-b-${n}-`)),
        `example ${n} is missing`,
      );
    assert.ok(files.some((f) => f.startsWith('enisa-worked-example-')));
  });

  for (const file of files) {
    it(file.replace(/\.json$/, ''), () => {
      const c = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as DevelopmentCase;
      const result = assess(parseFacts(c.facts));
      const codes = result.reasons.map((r) => r.code);
      const context = `${c.source}: ${c.situation}\nreasons: ${codes.join(', ')}`;
      assert.equal(result.notifyAuthority, c.expected.notifyAuthority, `notifyAuthority — ${context}`);
      assert.equal(
        result.notifyDataSubjects,
        c.expected.notifyDataSubjects,
        `notifyDataSubjects — ${context}`,
      );
      if (c.expected.severity) assert.deepEqual(result.severity, c.expected.severity, context);
      for (const code of c.expected.reasonCodes ?? [])
        assert.ok(codes.includes(code), `no reason ${code} — ${context}`);
    });
  }
});
