import type { Block, Cell, RegisterDocument, Section } from './document.js';
import type { ProcessingRegister } from './register-model.js';
import {
  breachContactBlock,
  categoryItems,
  measureTable,
  processorFields,
  retentionItems,
  subProcessorBlocks,
  transferBlock,
  valueOr,
} from './shared-blocks.js';
import type { Texts } from './texts.js';

/**
 * The Data Pro Statement: the processor's part of a processing agreement, in the eleven sections of
 * the NLdigital Data Pro Code's statement, filled from the same facts as the register.
 */
export function dataProStatement(r: ProcessingRegister, t: Texts): RegisterDocument {
  const s = t.statement;
  const p = (text: Cell): Block => ({ kind: 'paragraph', text });
  const hosting =
    r.hosting.location && r.hosting.country
      ? p(s.location(r.hosting.location, r.hosting.country))
      : p(valueOr(t, null, 'processor.hostingLocation, processor.hostingCountry'));
  const certifications = r.processor.certifications;
  const sections: Section[] = [
    {
      heading: s.processorHeading,
      blocks: [p(s.processorQueries), processorFields(t, r)],
    },
    {
      heading: s.effectiveHeading,
      blocks: [
        r.processor.statementDate
          ? p(s.effectiveDate(r.processor.statementDate))
          : p(valueOr(t, null, 'processor.statementDate')),
        p(s.revisions(r.configHash)),
      ],
    },
    { heading: s.scopeHeading, blocks: [p(s.scopeText(r.controllers.length))] },
    {
      heading: s.descriptionHeading,
      blocks: [
        p(s.description),
        p(s.intendedUse),
        p(s.dataTypes),
        categoryItems(t, r.dataCategories),
        p(s.notDesignedFor),
        p(s.privacyByDesign),
      ],
    },
    { heading: s.clausesHeading, blocks: [p(s.clauses)] },
    { heading: s.locationHeading, blocks: [hosting, transferBlock(t, r)] },
    {
      heading: s.subProcessorsHeading,
      blocks: [
        ...subProcessorBlocks(t, r, t.register.noSubProcessors),
        p(s.subProcessorsChange),
        p(s.controllerSuppliers),
      ],
    },
    {
      heading: s.rightsHeading,
      blocks: [
        p(s.rights),
        p(s.rightsLifecycle),
        {
          kind: 'list',
          items: r.controllers.map(
            (c) =>
              `${c.name}: ${t.lifecycle(c.lifecycle.onDelete, c.lifecycle.onDeactivate, c.lifecycle.onDoNotBulkEmail)}`,
          ),
        },
      ],
    },
    {
      heading: s.retentionHeading,
      blocks: [retentionItems(t, r), p(s.retentionEnd(r.retention.offboardingMaxDays))],
    },
    {
      heading: s.securityHeading,
      blocks: [
        measureTable(t, r),
        {
          kind: 'fields',
          rows: [
            [
              s.certificationsLabel,
              certifications === null
                ? valueOr(t, null, 'processor.certifications')
                : certifications.length === 0
                  ? t.none
                  : certifications.join(', '),
            ],
          ],
        },
      ],
    },
    {
      heading: s.breachHeading,
      blocks: [
        p(s.breachTime(r.breach.notificationHours)),
        p(s.breachChannels),
        { kind: 'list', items: s.breachContent },
        p(s.breachRole),
        p(`${s.breachContactsLabel}:`),
        breachContactBlock(t, r),
      ],
    },
  ];
  return {
    lang: t.lang,
    title: s.title,
    intro: [s.preamble],
    sections,
    footer: t.generated(r.generatedAt, r.configHash),
  };
}
