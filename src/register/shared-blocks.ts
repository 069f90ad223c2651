import { CATEGORY_LABELS } from '../sync/mapping/index.js';
import type { Block, Cell } from './document.js';
import type { ContactFacts, ProcessingRegister } from './register-model.js';
import type { Texts } from './texts.js';

/** Pieces both documents state in the same way: contacts, sub-processors, measures, retention. */
export function valueOr(t: Texts, value: string | null, path: string): Cell {
  return value ?? { gap: t.notConfigured(path) };
}

export function processorFields(t: Texts, r: ProcessingRegister): Block {
  const p = r.processor;
  const rows: Array<[string, Cell]> = [
    [t.fields.name, valueOr(t, p.name, 'processor.name')],
    [t.fields.address, valueOr(t, p.address, 'processor.address')],
  ];
  if (p.registration) rows.push([t.fields.registration, p.registration]);
  rows.push(
    [t.fields.email, valueOr(t, p.email, 'processor.email')],
    [t.fields.phone, valueOr(t, p.phone, 'processor.phone')],
    [t.fields.dpo, dpoCell(t, p.dpo)],
  );
  return { kind: 'fields', rows };
}

function dpoCell(t: Texts, dpo: ContactFacts): Cell {
  const lacking = [dpo.name ? null : 'processor.dpo.name', dpo.email ? null : 'processor.dpo.email'];
  const paths = lacking.filter((p): p is string => p !== null);
  if (paths.length > 0) {
    const known = [dpo.name, dpo.email].filter(Boolean).join(', ');
    return { gap: `${known ? `${known}; ` : ''}${t.notConfigured(paths.join(', '))}` };
  }
  return [dpo.name, dpo.email, dpo.phone].filter(Boolean).join(', ');
}

export function categoryItems(t: Texts, categories: ProcessingRegister['dataCategories']): Block {
  return { kind: 'list', items: categories.map((c) => CATEGORY_LABELS[c][t.lang]) };
}

export function subProcessorBlocks(t: Texts, r: ProcessingRegister, emptyText: string): Block[] {
  const hosting: Block = {
    kind: 'fields',
    rows: [
      [
        t.register.hostingLabel,
        r.hosting.location && r.hosting.country
          ? `${r.hosting.location} (${r.hosting.country})`
          : {
              gap: t.notConfigured(
                missingPaths(r, ['processor.hostingLocation', 'processor.hostingCountry']),
              ),
            },
      ],
    ],
  };
  if (r.subProcessors === null) {
    return [hosting, { kind: 'paragraph', text: { gap: t.notConfigured('processor.subProcessors') } }];
  }
  if (r.subProcessors.length === 0) return [hosting, { kind: 'paragraph', text: emptyText }];
  const f = t.fields;
  return [
    hosting,
    {
      kind: 'table',
      headers: [f.name, f.service, f.location, f.engagedBy, f.safeguard],
      rows: r.subProcessors.map((s) => [
        s.name,
        s.service,
        `${s.location} (${s.country})`,
        t.engagedBy[s.engagedBy],
        s.transferSafeguard ?? '-',
      ]),
    },
  ];
}

function missingPaths(r: ProcessingRegister, paths: string[]): string {
  return paths.filter((p) => r.missing.includes(p)).join(', ');
}

export function transferBlock(t: Texts, r: ProcessingRegister): Block {
  if (r.subProcessors === null || r.hosting.country === null) {
    return { kind: 'paragraph', text: { gap: t.register.transfersUnknown } };
  }
  if (r.transfers.length === 0) return { kind: 'paragraph', text: t.register.noTransfers };
  return {
    kind: 'table',
    headers: [t.fields.recipient, t.fields.country, t.fields.safeguard],
    rows: r.transfers.map((x) => [
      x.recipient === 'hosting' ? t.register.hostingLabel : x.recipient,
      x.country,
      x.safeguard ?? {
        gap: t.notConfigured('processor.subProcessors (the hosting provider, with its transferSafeguard)'),
      },
    ]),
  };
}

export function retentionItems(t: Texts, r: ProcessingRegister): Block {
  const x = r.retention;
  const items = [
    t.retention.payloads,
    t.retention.deadLetters(x.deadLetterDays),
    t.retention.duplicates(x.duplicateWindowSeconds),
    t.retention.logs(x.logDays),
    ...(x.logToStdout ? [t.retention.logStdout] : []),
    t.retention.audit(x.auditDays),
    t.retention.hashes,
    t.retention.offboarding(x.offboardingMaxDays),
  ];
  return { kind: 'list', items };
}

export function measureTable(t: Texts, r: ProcessingRegister): Block {
  return {
    kind: 'table',
    headers: [t.fields.measure, t.fields.status],
    rows: r.security.map((m) => [t.measure[m.id](m.facts), t.measureStatus[m.status]]),
  };
}

export function breachContactBlock(t: Texts, r: ProcessingRegister): Block {
  const contacts = r.breach.contacts;
  if (contacts === null)
    return { kind: 'paragraph', text: { gap: t.notConfigured('processor.breachContacts') } };
  const f = t.fields;
  return {
    kind: 'table',
    headers: [f.name, f.role, f.email, f.phone],
    rows: contacts.map((c) => [c.name, c.role ?? '-', c.email, c.phone]),
  };
}
