import type { Block, Cell } from '../../register/document.js';
import type { Deadline, Incident } from '../incident-model.js';
import type { DocumentContext } from './document-context.js';
import { formatMoment } from './format-time.js';
import { textsFor } from './texts.js';
import type { DocTexts } from './texts-en.js';

const SEVENTY_TWO_HOURS = 72 * 3_600_000;

export function texts(ctx: DocumentContext): DocTexts {
  return textsFor(ctx.lang);
}

export const moment = (t: DocTexts, ms: number): string => formatMoment(ms, t.lang);

/** The controller's name as the documents address it: its legal name, else the tenant's name. */
export function controllerName(ctx: DocumentContext, incident: Incident): string | null {
  if (ctx.tenant) return ctx.tenant.controller?.legalName ?? ctx.tenant.name;
  return incident.operatorIsController ? (ctx.processor.name ?? null) : null;
}

export function processorName(ctx: DocumentContext): Cell {
  return ctx.processor.name ?? { gap: texts(ctx).notConfigured('processor.name') };
}

/**
 * The customer's own 72 hours for the AP: counted from our notice to it. The register's deadline for
 * this tenant when there is one; otherwise this notice is that moment, so 72 hours from `now`.
 */
export function controllerDeadline(ctx: DocumentContext): Pick<Deadline, 'from' | 'due' | 'state'> {
  const own = ctx.deadlines.find(
    (d) => d.name === 'controller-authority' && (ctx.tenant === null || d.tenantId === ctx.tenant.id),
  );
  if (own) return own;
  if (ctx.tenant === null) {
    const ours = ctx.deadlines.find((d) => d.name === 'own-authority');
    if (ours) return ours;
  }
  return { from: ctx.now, due: ctx.now + SEVENTY_TWO_HOURS, state: 'open' };
}

export function list(items: readonly string[], empty: Cell): Block {
  return items.length > 0 ? { kind: 'list', items: [...items] } : { kind: 'paragraph', text: empty };
}

export function paragraphs(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ kind: 'paragraph', text: p }));
}
