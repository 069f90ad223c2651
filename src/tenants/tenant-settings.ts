import { z } from 'zod';

/**
 * A tenant's connection settings. They are stored sealed with the tenant's data key and may be filled
 * in step by step (`koppel tenant set`), so every field is optional here; `requireDataverse` and
 * `requireMailplus` check completeness where a connection is actually made.
 */
const httpsUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** How long to wait for an answer before the request counts as failed (and is retried). */
const requestTimeoutSeconds = z.number().int().min(1).max(600, 'must be at most 600').optional();

export const dataverseSettings = z.strictObject({
  /** The Web API root, e.g. https://contoso.crm4.dynamics.com/api/data/v9.2/ */
  baseUrl: httpsUrl.optional(),
  /** https://login.microsoftonline.com/<Entra tenant id> */
  authority: httpsUrl.optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** A CA certificate (PEM file) to trust, e.g. the emulator's. */
  caFile: z.string().min(1).optional(),
  /** Only for loopback emulators: allow plain http. */
  allowInsecureLoopback: z.boolean().optional(),
  maxConcurrency: z.number().int().min(1).max(52, 'must be at most 52 (Dataverse refuses more)').optional(),
  requestTimeoutSeconds,
});

export const mailplusSettings = z.strictObject({
  /** Default https://restapi.mailplus.nl */
  baseUrl: httpsUrl.optional(),
  consumerKey: z.string().min(1).optional(),
  consumerSecret: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  allowInsecureLoopback: z.boolean().optional(),
  requestTimeoutSeconds,
});

export const tenantSettings = z.strictObject({
  dataverse: dataverseSettings.default({}),
  mailplus: mailplusSettings.default({}),
});

export type TenantSettings = z.infer<typeof tenantSettings>;
export type DataverseSettings = z.infer<typeof dataverseSettings>;
export type MailplusSettings = z.infer<typeof mailplusSettings>;

/** Field names whose values are never printed. */
export const SECRET_FIELDS = new Set(['dataverse.clientSecret', 'mailplus.consumerSecret']);

const BOOLEAN_FIELDS = new Set(['dataverse.allowInsecureLoopback', 'mailplus.allowInsecureLoopback']);
const NUMBER_FIELDS = new Set([
  'dataverse.maxConcurrency',
  'dataverse.requestTimeoutSeconds',
  'mailplus.requestTimeoutSeconds',
]);

/** Every settable field as "side.field", for help texts and error messages. */
export const SETTING_FIELDS = [
  ...Object.keys(dataverseSettings.shape).map((f) => `dataverse.${f}`),
  ...Object.keys(mailplusSettings.shape).map((f) => `mailplus.${f}`),
];

/** Turns the text given on the command line into the field's type, or explains why it cannot. */
export function parseSettingValue(field: string, text: string): unknown {
  if (!SETTING_FIELDS.includes(field)) {
    throw new Error(`unknown setting "${field}"; settable: ${SETTING_FIELDS.join(', ')}`);
  }
  if (text === '') return undefined;
  if (BOOLEAN_FIELDS.has(field)) {
    if (text !== 'true' && text !== 'false') throw new Error(`${field} must be true or false`);
    return text === 'true';
  }
  if (NUMBER_FIELDS.has(field)) {
    const n = Number(text);
    if (!Number.isInteger(n)) throw new Error(`${field} must be a whole number`);
    return n;
  }
  return text;
}

export type CompleteDataverse = Required<
  Pick<DataverseSettings, 'baseUrl' | 'authority' | 'clientId' | 'clientSecret'>
> &
  DataverseSettings;
export type CompleteMailplus = Required<Pick<MailplusSettings, 'consumerKey' | 'consumerSecret'>> &
  MailplusSettings;

export function missingDataverse(s: DataverseSettings): string[] {
  return (['baseUrl', 'authority', 'clientId', 'clientSecret'] as const)
    .filter((f) => !s[f])
    .map((f) => `dataverse.${f}`);
}

export function missingMailplus(s: MailplusSettings): string[] {
  return (['consumerKey', 'consumerSecret'] as const).filter((f) => !s[f]).map((f) => `mailplus.${f}`);
}
