import { z } from 'zod';
import { incidentFactsSchema } from './facts-schema.js';

/**
 * The JSON Schema of incident facts (docs/incident-facts.schema.json), generated from the zod schema
 * so the two cannot drift apart: a test fails when the committed file differs from this. Input shape:
 * fields with a default are optional in a facts file.
 */
export function factsJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(incidentFactsSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: generated.$schema,
    title: 'koppel incident facts',
    description:
      'The structured facts of a personal-data breach from which koppel makes its risk assessment (koppel incidents assess). Categories and counts only, never personal data. Explained in docs/incident-facts.md.',
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')),
  };
}

/** The file's text: two-space JSON with a final newline. */
export function factsJsonSchemaText(): string {
  return `${JSON.stringify(factsJsonSchema(), null, 2)}\n`;
}
