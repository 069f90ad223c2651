import { z } from 'zod';
import { LOOPBACK_HOST } from '../config/config-schema.js';
import { hasControlCharacters } from '../controls.js';

/**
 * A tenant's connection settings. They are stored sealed with the tenant's data key and may be filled
 * in step by step (`koppel tenant set`), so every field is optional here; `requireDataverse` and
 * `requireMailplus` check completeness where a connection is actually made.
 */
/** Limits that keep a typo or a pasted file out of the sealed settings (and out of every log line). */
const MAX_URL = 2048;
const MAX_TEXT = 1024;
const httpsUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(MAX_URL, `must be at most ${MAX_URL} characters`);
const shortText = z.string().min(1).max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
const path = z.string().min(1).max(4096, 'must be at most 4096 characters');
/** How long to wait for an answer before the request counts as failed (and is retried). */
const requestTimeoutSeconds = z.number().int().min(1).max(600, 'must be at most 600').optional();

export const dataverseSettings = z.strictObject({
  /** The Web API root, e.g. https://contoso.crm4.dynamics.com/api/data/v9.2/ */
  baseUrl: httpsUrl.optional(),
  /** https://login.microsoftonline.com/<Entra tenant id> */
  authority: httpsUrl.optional(),
  clientId: shortText.optional(),
  clientSecret: shortText.optional(),
  /** A CA certificate (PEM file) to trust, e.g. the emulator's. */
  caFile: path.optional(),
  /** Only for loopback emulators: allow plain http. */
  allowInsecureLoopback: z.boolean().optional(),
  maxConcurrency: z.number().int().min(1).max(52, 'must be at most 52 (Dataverse refuses more)').optional(),
  requestTimeoutSeconds,
});

export const mailplusSettings = z.strictObject({
  /** Default https://restapi.mailplus.nl */
  baseUrl: httpsUrl.optional(),
  consumerKey: shortText.optional(),
  consumerSecret: shortText.optional(),
  caFile: path.optional(),
  allowInsecureLoopback: z.boolean().optional(),
  requestTimeoutSeconds,
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Interactions into Dynamics (docs/interactions.md): off unless switched on. `target` is the koppel
 * activity table (installed by solution/koppel-interactions.xml) or the standard campaign response
 * (regarding `campaignId`); `hardBounceColumn` is a boolean contact column a hard bounce sets.
 */
export const interactionSettings = z
  .strictObject({
    enabled: z.boolean().optional(),
    target: z.enum(['custom-activity', 'campaign-response']).optional(),
    campaignId: z.string().regex(GUID, 'must be a GUID').optional(),
    hardBounceColumn: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,99}$/, 'must be a column logical name (lower-case letters, digits, _)')
      .optional(),
  })
  .refine((s) => s.target !== 'campaign-response' || s.campaignId !== undefined, {
    message: 'target campaign-response needs interactions.campaignId (the campaign responses are regarding)',
    path: ['campaignId'],
  });

export const tenantSettings = z.strictObject({
  dataverse: dataverseSettings.default({}),
  mailplus: mailplusSettings.default({}),
  interactions: interactionSettings.default({}),
});

export type TenantSettings = z.infer<typeof tenantSettings>;
export type DataverseSettings = z.infer<typeof dataverseSettings>;
export type MailplusSettings = z.infer<typeof mailplusSettings>;
export type InteractionSettings = z.infer<typeof interactionSettings>;

/** Field names whose values are never printed, and never taken from a command line. */
export const SECRET_FIELDS = new Set(['dataverse.clientSecret', 'mailplus.consumerSecret']);

const URL_FIELDS = new Set(['dataverse.baseUrl', 'dataverse.authority', 'mailplus.baseUrl']);

const BOOLEAN_FIELDS = new Set([
  'dataverse.allowInsecureLoopback',
  'mailplus.allowInsecureLoopback',
  'interactions.enabled',
]);
const NUMBER_FIELDS = new Set([
  'dataverse.maxConcurrency',
  'dataverse.requestTimeoutSeconds',
  'mailplus.requestTimeoutSeconds',
]);

/** Every settable field as "side.field", for help texts and error messages. */
export const SETTING_FIELDS = [
  ...Object.keys(dataverseSettings.shape).map((f) => `dataverse.${f}`),
  ...Object.keys(mailplusSettings.shape).map((f) => `mailplus.${f}`),
  ...['enabled', 'target', 'campaignId', 'hardBounceColumn'].map((f) => `interactions.${f}`),
];

/** Turns the text given on the command line into the field's type, or explains why it cannot. */
export function parseSettingValue(field: string, text: string): unknown {
  if (!SETTING_FIELDS.includes(field)) {
    throw new Error(`unknown setting "${field}"; settable: ${SETTING_FIELDS.join(', ')}`);
  }
  if (text === '') return undefined;
  if (hasControlCharacters(text)) throw new Error(`${field} must not contain control characters`);
  if (URL_FIELDS.has(field)) refusePlainHttp(field, text);
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

/**
 * Plain http is for an emulator on this machine only; anywhere else it would fail at connect (the
 * connectors refuse it), so it is refused here already, where the person typing can fix it.
 */
function refusePlainHttp(field: string, text: string): void {
  if (!/^http:\/\//i.test(text) || !URL.canParse(text)) return;
  const host = new URL(text).hostname;
  if (!LOOPBACK_HOST.test(host)) {
    throw new Error(
      `${field}: plain http:// is allowed only for an emulator on loopback (127.0.0.1, ::1, localhost), not for ${host}; use https://`,
    );
  }
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
