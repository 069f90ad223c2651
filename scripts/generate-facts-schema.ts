/**
 * Writes docs/incident-facts.schema.json from the zod schema of incident facts
 * (src/incidents/facts-schema.ts). Run with `npm run schema:facts` after changing the schema; the test
 * test/incidents/assess-schema.test.ts fails while the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { factsJsonSchemaText } from '../src/incidents/facts-json-schema.js';

const out = join(import.meta.dirname, '..', 'docs', 'incident-facts.schema.json');
writeFileSync(out, factsJsonSchemaText());
process.stdout.write(`wrote ${out}\n`);
