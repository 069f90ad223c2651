import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assess } from '../../src/incidents/assess.js';
import { parseFactsJson } from '../../src/incidents/facts-issues.js';
import { factsJsonSchema, factsJsonSchemaText } from '../../src/incidents/facts-json-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples', 'incident-facts');

/** What docs/incident-facts.md says each example leads to. */
const DOCUMENTED: Record<string, [notifyAuthority: boolean, notifyDataSubjects: boolean]> = {
  minimal: [false, false],
  'guessable-export-url': [true, false],
  'health-segment-range': [true, true],
  'wrong-tenant-delivery': [false, false],
  'stolen-laptop-encrypted': [false, false],
  'ransomware-restored-from-backup': [false, false],
};

describe('docs/incident-facts.schema.json', () => {
  it('is what the zod schema generates (run npm run schema:facts after changing it)', () => {
    const committed = readFileSync(join(ROOT, 'docs', 'incident-facts.schema.json'), 'utf8');
    assert.equal(committed, factsJsonSchemaText(), 'out of date: run npm run schema:facts');
  });

  it('lists every field of the issue with its values', () => {
    const schema = factsJsonSchema() as {
      properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }>;
      required: string[];
    };
    assert.deepEqual(schema.properties.confidentiality?.enum, [
      'none',
      'exposed-no-evidence-of-access',
      'known-recipients',
      'unknown-recipients',
    ]);
    assert.deepEqual(schema.properties.exfiltration?.enum, [
      'ruled-out',
      'possible',
      'confirmed',
      'not-applicable',
    ]);
    assert.equal(schema.properties.data?.items?.enum?.length, 15);
    for (const field of [
      'confidentiality',
      'integrity',
      'availability',
      'cause',
      'data',
      'people',
      'identifiability',
    ])
      assert.ok(schema.required.includes(field), field);
    assert.ok(!schema.required.includes('backupAvailable'), 'fields with a default are optional in a file');
  });
});

describe('docs/examples/incident-facts', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  const properties = Object.keys((factsJsonSchema() as { properties: object }).properties);

  it('has the documented examples', () => {
    assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), Object.keys(DOCUMENTED).sort());
  });

  for (const file of files) {
    it(`${file} is valid and leads to what the documentation says`, () => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      for (const key of Object.keys(JSON.parse(text))) assert.ok(properties.includes(key), key);
      const a = assess(parseFactsJson(text));
      assert.deepEqual([a.notifyAuthority, a.notifyDataSubjects], DOCUMENTED[file.replace(/\.json$/, '')]);
    });
  }
});
