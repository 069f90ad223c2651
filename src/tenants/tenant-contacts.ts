import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * A tenant's controller details and the people to reach about a personal-data breach, in order
 * (docs/notifications.md, example docs/examples/tenant-contacts.json). Personal data of the
 * customer's staff: stored sealed with the tenant's key (tenant-contacts-store.ts), never logged.
 */
export const NOTICE_LANGUAGES = ['nl', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

const MAX_CONTACTS = 10;
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * A phone number in international form, normalised to E.164 ("+31 6 1234 5678" -> "+31612345678").
 * Checked against libphonenumber's full metadata, so a number in an unallocated range is refused.
 */
export const e164Phone = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parsed = parsePhoneNumberFromString(value.replace(/^00(?=[1-9])/, '+'));
    if (!value.startsWith('+') && !value.startsWith('00')) {
      ctx.addIssue({
        code: 'custom',
        message: 'not a valid phone number: give it with its country code, e.g. +31 20 123 4567',
      });
      return z.NEVER;
    }
    if (!parsed?.isValid()) {
      ctx.addIssue({ code: 'custom', message: 'not a valid phone number' });
      return z.NEVER;
    }
    return parsed.number as string;
  });

const person = {
  name: text(200),
  email: z.email('must be an e-mail address'),
  phone: e164Phone,
};

const contactPerson = z.strictObject({
  ...person,
  /** e.g. "IT manager", "privacy officer". */
  role: text(200),
  language: z.enum(NOTICE_LANGUAGES, 'must be "nl" or "en"').default('nl'),
  /** 1 = called first. Unique within the list. */
  order: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
});

export const tenantContactsSchema = z
  .strictObject({
    controller: z.strictObject({
      /** The customer's legal name as registered, e.g. "Voorbeeld Zorg B.V.". */
      legalName: text(300),
      address: text(500),
      /** The Chamber of Commerce (KvK) number: 8 digits. */
      kvk: z
        .string()
        .trim()
        .regex(/^[0-9]{8}$/, 'must be a KvK number of 8 digits'),
      /** The controller's own DPO (FG) or privacy contact. */
      privacyContact: z.strictObject(person),
    }),
    /**
     * The tenant's own, lower promise of hours from our awareness to our notice (the processing
     * agreement may promise less than processor.notificationHours, never more).
     */
    notificationHours: z
      .number()
      .int('must be a whole number of hours')
      .min(1, 'must be at least 1')
      .max(71, 'must be less than 72: the controller itself must notify the AP within 72 hours')
      .optional(),
    /**
     * Who at the customer fixes the connection (an expired client secret, a revoked consent, a disabled
     * Mail+ key): operational alerts go there (src/alerts/), breach notices never do.
     */
    technicalContact: z
      .strictObject({
        name: text(200),
        email: z.email('must be an e-mail address'),
        language: z.enum(NOTICE_LANGUAGES, 'must be "nl" or "en"').default('nl'),
      })
      .optional(),
    contacts: z
      .array(contactPerson)
      .min(1, 'must list at least one contact person')
      .max(MAX_CONTACTS, `must list at most ${MAX_CONTACTS} contact persons`),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<number>();
    value.contacts.forEach((c, i) => {
      if (seen.has(c.order))
        ctx.addIssue({ code: 'custom', path: ['contacts', i, 'order'], message: `${c.order} is used twice` });
      seen.add(c.order);
    });
  });

export type TenantContacts = z.output<typeof tenantContactsSchema>;
export type ContactPerson = TenantContacts['contacts'][number];

/** "contacts[1].phone" for ['contacts', 1, 'phone']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/**
 * Validates a contacts document; the contact persons come back sorted by `order`. `maxHours` is
 * processor.notificationHours: a tenant may be promised less, not more. Throws a ConfigError naming
 * every bad field.
 */
export function parseTenantContacts(input: unknown, maxHours: number): TenantContacts {
  const result = tenantContactsSchema.safeParse(input);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`));
  const value = result.data;
  if (value.notificationHours !== undefined && value.notificationHours > maxHours)
    throw new ConfigError([
      `notificationHours: must be at most ${maxHours} (processor.notificationHours, our promise to every customer); a tenant may be promised less, not more`,
    ]);
  return { ...value, contacts: [...value.contacts].sort((a, b) => a.order - b.order) };
}

/** What the DPO sees: who is on the list and in which order, not how to reach them (data minimisation). */
export function contactsForDpo(contacts: TenantContacts) {
  return {
    controller: {
      legalName: contacts.controller.legalName,
      address: contacts.controller.address,
      kvk: contacts.controller.kvk,
      privacyContact: { name: contacts.controller.privacyContact.name },
    },
    notificationHours: contacts.notificationHours,
    contacts: contacts.contacts.map((c) => ({
      name: c.name,
      role: c.role,
      language: c.language,
      order: c.order,
    })),
  };
}
