import { z } from 'zod';
import { pagingSchema } from './mailplus-types.js';

/**
 * The wire shapes of `GET /mailing-interaction/{sent,opened,clicked,bounced}` and `GET /mailing/{id}`
 * (SPEC: MailingInteraction, MailingInteractionSent, MailingInteractionBounce, MailingDetails). Dates
 * are ISO 8601 strings; a number (epoch ms) is taken too, as the contact feed sends its stamps so.
 */
const stamp = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time' });
    return z.NEVER;
  }
  return ms;
});

export const interactionSchema = z.looseObject({
  id: z.union([z.number().int(), z.string()]).transform(String),
  externalContactId: z.string(),
  encryptedMailingId: z.string(),
  date: stamp,
  changeDate: stamp,
  trendReportId: z.number().int().optional(),
  /** Sent items. */
  name: z.string().optional(),
  subject: z.string().optional(),
  onlineVersionLink: z.string().optional(),
  /** Bounced items. */
  bounceType: z.enum(['HARD', 'SOFT']).optional(),
  /** Not in SPEC's clicked item; taken when a service sends it (the link of the click). */
  url: z.string().optional(),
});
export type WireInteraction = z.output<typeof interactionSchema>;

export const interactionsResponseSchema = z.looseObject({
  paging: pagingSchema.optional(),
  interactions: z.array(interactionSchema).default([]),
});

export const mailingDetailsSchema = z.looseObject({
  encryptedId: z.string(),
  name: z.string(),
  message: z.looseObject({ subject: z.string().optional() }).optional(),
});
export type MailingDetails = z.output<typeof mailingDetailsSchema>;

/**
 * Page sizes asked of the interaction feeds, largest first: Mail+ documents no maximum, and full pages
 * keep calls few (a million interactions in about 200 calls). A refused size (400) steps down, as the
 * updates feed does (UPDATES_PAGE_SIZES).
 */
export const INTERACTIONS_PAGE_SIZES = [5000, 2000, 1000, 500, 200, 100] as const;
