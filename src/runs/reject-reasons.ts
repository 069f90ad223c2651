/** One field a record was rejected for: the field's label and the rule it broke (never its value). */
export interface RejectedField {
  field: string | null;
  rule: string;
}

const MAX_RULE = 500;
/** "Contact cannot be mapped to Mail+: " — the mapper's prefix before its list of field problems. */
const MAPPING_PREFIX = /^Contact cannot be mapped to [^:]+: /;
/** A field problem as the transforms word it: `emailaddress1 -> email: is not a valid e-mail address`. */
const FIELD_PROBLEM = /^([A-Za-z0-9_.]+(?: -> [A-Za-z0-9_.]+)?): (.+)$/s;

/** How the connectors word a refusal (mailplus-errors.ts, dynamics-errors.ts): only the code is kept. */
const MAILPLUS_REFUSAL = /^Mail\+ rejected contact \S+: ([A-Z_]+)/;
const DATAVERSE_REFUSAL = /^Dataverse answered [A-Z]+ \S+ with (\d{3})(?: (0x[0-9A-Fa-f]+|[A-Za-z_]+))?/;
export const NOT_STATED = "not stated here (the dead letter holds the service's description)";

/**
 * Splits a dead letter's description into the fields and rules it names. koppel's own mapping errors
 * (`field: rule` pairs, joined by "; " after "Contact cannot be mapped to ...: ") never hold values
 * (see sync/mapping/transform-kit.ts), so they are kept as they are. A service's refusal may quote
 * what it refused: of it only the service's code is kept; anything else is not repeated here at all
 * (the dead letter keeps it, shown to an admin as an audited view).
 */
export function rejectedFields(description: string | null): RejectedField[] {
  const text = (description ?? '').trim();
  const mailplus = MAILPLUS_REFUSAL.exec(text);
  if (mailplus) return [{ field: null, rule: `Mail+ ${mailplus[1]}` }];
  const dataverse = DATAVERSE_REFUSAL.exec(text);
  if (dataverse)
    return [{ field: null, rule: `Dataverse ${dataverse[1]}${dataverse[2] ? ` ${dataverse[2]}` : ''}` }];
  const listed = MAPPING_PREFIX.test(text);
  const parts = (listed ? text.replace(MAPPING_PREFIX, '') : text).split('; ');
  const fields = parts.map((part) => FIELD_PROBLEM.exec(part));
  if (fields.some((match) => match === null)) return [{ field: null, rule: NOT_STATED }];
  return fields.map((match) => ({ field: match![1]!, rule: clip(match![2]!) }));
}

function clip(text: string): string {
  return text.length <= MAX_RULE ? text : `${text.slice(0, MAX_RULE - 1)}…`;
}
