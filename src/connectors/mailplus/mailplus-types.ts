import { z } from 'zod';

/**
 * The Mail+ wire models koppel reads, written from the Swagger 1.2 description (spotler.md §1.4) and
 * the observed deviations from it: `created`/`lastChanged` arrive as epoch numbers, and set properties
 * such as `permissions` arrive as `[{bit, description, enabled}]`. Unknown fields are kept (loose) so a
 * newer service version does not break parsing.
 */

/** One entry of a set-type property (permissions, interests, …), keyed on `bit`, never on description. */
export const setEntrySchema = z.looseObject({
  bit: z.number().int(),
  enabled: z.boolean(),
  description: z.string().optional(),
});
export type SetEntry = z.infer<typeof setEntrySchema>;

export const channelSchema = z.looseObject({
  name: z.enum(['EMAIL', 'SMS']),
  value: z.boolean(),
});

export const contactSchema = z.looseObject({
  externalId: z.string(),
  encryptedId: z.string().optional(),
  created: z.number().optional(),
  lastChanged: z.number().optional(),
  testGroup: z.boolean().optional(),
  temporary: z.boolean().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
  channels: z.array(channelSchema).optional(),
});
export type MailplusContact = z.infer<typeof contactSchema>;

/** What koppel writes: an externalId and the properties it owns. */
export interface ContactInput {
  externalId: string;
  properties: Record<string, unknown>;
  testGroup?: boolean;
}

export const contactResponseCodes = [
  'OK',
  'PROPERTY_INVALID',
  'CONTACT_ALREADY_EXISTS',
  'CONTACT_UNKNOWN',
  'CONTACT_OPTOUT',
  'NO_ACTIVE_CHANNEL',
  'ERROR',
] as const;
export type ContactResponseCode = (typeof contactResponseCodes)[number];

export const addContactResponseSchema = z.looseObject({
  externalId: z.string().optional(),
  code: z.string(),
  message: z.string().optional(),
});
export type AddContactResponse = z.infer<typeof addContactResponseSchema>;

export const pagingSchema = z.looseObject({
  next: z.string().optional(),
  after: z.number().int().optional(),
});

export const contactsResponseSchema = z.looseObject({
  paging: pagingSchema.optional(),
  contacts: z.array(contactSchema).default([]),
});
export type ContactsResponse = z.infer<typeof contactsResponseSchema>;

export const propertyTypes = [
  'birthdate',
  'date',
  'dateTime',
  'email',
  'gender',
  'int',
  'mobNr',
  'money',
  'postcode',
  'set',
  'string',
] as const;
export type PropertyType = (typeof propertyTypes)[number];

export const propertySchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  type: z.string(),
  entries: z
    .array(z.looseObject({ bit: z.number().int(), description: z.string(), rank: z.number().int() }))
    .optional(),
});
export type MailplusProperty = z.infer<typeof propertySchema>;

export const errorResponseSchema = z.looseObject({
  errorType: z.string(),
  message: z.string(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** The service's documented cap on one `POST /contact/list` call. */
export const MAX_CONTACTS_PER_BULK = 100;
