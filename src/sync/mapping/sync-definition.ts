import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { DATA_CATEGORIES } from './data-categories.js';
import { checkDefinitionRules } from './definition-rules.js';

/**
 * A tenant's sync definition: which contacts are in scope, which fields and permissions flow which way,
 * who wins a conflict, and what a delete or deactivation in Dataverse does in Mail+. Parsed once at the
 * boundary; every error names the field path and the rule it breaks.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMN = /^[a-z][a-z0-9_]*$/;
const COLUMN_OR_LOOKUP = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
const PROPERTY = /^[A-Za-z][A-Za-z0-9_]*$/;

const column = z.string().regex(COLUMN, 'must be a Dataverse logical name (lowercase, e.g. new_segment)');
const property = z.string().regex(PROPERTY, 'must be a Mail+ property name (letters, digits, _)');
const bit = z.number().int().positive('must be a positive integer (the entry bit, e.g. 1, 2, 4)');

export const DIRECTIONS = ['to-mailplus', 'to-dataverse', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const SIDES = ['dataverse', 'mailplus'] as const;
export type Side = (typeof SIDES)[number];
export const LIFECYCLE_ACTIONS = ['anonymize', 'withdraw-permissions'] as const;

export const SIMPLE_TRANSFORMS = [
  'text',
  'email',
  'gender',
  'date',
  'country',
  'country-en',
  'phone',
  'infix',
  'postcode',
] as const;

const TRANSFORM_RULE = `must be one of ${SIMPLE_TRANSFORMS.map((t) => `'${t}'`).join(', ')}, or an object with name 'phone', 'street-house-number', 'set-boolean', 'set-multiselect' or 'set-string'`;

const transformObject = z.discriminatedUnion(
  'name',
  [
    z.strictObject({ name: z.enum(SIMPLE_TRANSFORMS.filter((t) => t !== 'phone')) }),
    z.strictObject({
      name: z.literal('phone'),
      /** Where numbers without a country code are tried, in order; default NL, then BE. */
      regions: z
        .array(z.string().refine(isSupportedCountry, 'must be an ISO 3166 code with a phone plan, e.g. NL'))
        .min(1)
        .optional(),
    }),
    z.strictObject({ name: z.literal('street-house-number'), houseNumber: property }),
    z.strictObject({ name: z.literal('set-boolean'), bit }),
    z.strictObject({
      name: z.literal('set-multiselect'),
      options: z.array(z.strictObject({ bit, value: z.number().int() })).min(1),
    }),
    z.strictObject({
      name: z.literal('set-string'),
      labels: z.array(z.strictObject({ bit, label: z.string().trim().min(1) })).min(1),
    }),
  ],
  { error: TRANSFORM_RULE },
);

/** A parameterless transform may be written as its name; it is normalised to `{ name }`. */
const transformSchema = z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), transformObject);

const fieldSchema = z.strictObject({
  dataverse: z
    .string()
    .regex(
      COLUMN_OR_LOOKUP,
      'must be a column (e.g. firstname) or a lookup path (e.g. parentcustomerid_account.name)',
    ),
  mailplus: property,
  direction: z.enum(DIRECTIONS),
  /** Who wins when both sides changed; required for 'both', implied by the source for one-way fields. */
  owner: z.enum(SIDES).optional(),
  transform: transformSchema.optional(),
  /** Maximum length of a custom Dataverse string column (standard columns are known). */
  maxLength: z.number().int().positive().optional(),
  category: z.enum(DATA_CATEGORIES),
});

const permissionSchema = z.strictObject({
  bit,
  dataverse: z.strictObject({ column, meaning: z.enum(['opt-in', 'do-not']) }),
  direction: z.enum(DIRECTIONS),
  owner: z.enum(SIDES).optional(),
});

const scopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all-active') }),
  z.strictObject({ kind: z.literal('marketing-list'), listId: z.string().regex(GUID, 'must be a GUID') }),
  z.strictObject({ kind: z.literal('boolean-column'), column }),
]);

const lifecycle = z.enum(LIFECYCLE_ACTIONS).default('anonymize');

const rawDefinitionSchema = z.strictObject({
  version: z.literal(1).default(1),
  scope: scopeSchema,
  fields: z.array(fieldSchema).min(1),
  permissions: z.array(permissionSchema).default([]),
  onDataverseDelete: lifecycle,
  onDataverseDeactivate: lifecycle,
  onDoNotBulkEmail: lifecycle,
});

export const syncDefinitionSchema = rawDefinitionSchema
  .superRefine((def, ctx) => {
    for (const issue of checkDefinitionRules(def)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((def) => ({
    ...def,
    fields: def.fields.map((field) => ({
      ...field,
      owner: field.owner ?? sourceOf(field.direction),
      transform: normaliseTransform(field.transform, field.mailplus),
    })),
    permissions: def.permissions.map((p) => ({ ...p, owner: p.owner ?? sourceOf(p.direction) })),
  }));

export type RawSyncDefinition = z.output<typeof rawDefinitionSchema>;
/** What a transform may be written as: its name, or the object form. */
export type TransformInput = (typeof SIMPLE_TRANSFORMS)[number] | z.input<typeof transformObject>;
type RawInput = z.input<typeof syncDefinitionSchema>;
export type FieldMappingInput = Omit<RawInput['fields'][number], 'transform'> & {
  transform?: TransformInput;
};
/** A definition as written (JSON): defaults and shorthands allowed. */
export type SyncDefinitionInput = Omit<RawInput, 'fields'> & { fields: FieldMappingInput[] };
export type SyncDefinition = z.output<typeof syncDefinitionSchema>;
export type FieldMapping = SyncDefinition['fields'][number];
export type PermissionMapping = SyncDefinition['permissions'][number];
export type Transform = FieldMapping['transform'];
export type TransformName = Transform['name'];
export type Scope = SyncDefinition['scope'];

type RawTransform = z.output<typeof transformObject>;

function normaliseTransform(transform: RawTransform | undefined, mailplus: string): RawTransform {
  // The required e-mail mapping validates and normalises addresses unless told otherwise.
  return transform ?? { name: mailplus === 'email' ? 'email' : 'text' };
}

/** One-way data has an obvious winner: the side it comes from ('both' never gets here: owner is required). */
function sourceOf(direction: Direction): Side {
  return direction === 'to-dataverse' ? 'mailplus' : 'dataverse';
}

export function flowsToMailplus(mapping: { direction: Direction }): boolean {
  return mapping.direction !== 'to-dataverse';
}

export function flowsToDataverse(mapping: { direction: Direction }): boolean {
  return mapping.direction !== 'to-mailplus';
}

/** Parses and validates a definition; a ConfigError lists every problem as `path: rule`. */
export function parseSyncDefinition(input: unknown): SyncDefinition {
  const result = syncDefinitionSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
}

/** `['fields', 3, 'direction']` -> `fields[3].direction`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(definition)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
