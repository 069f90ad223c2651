import { CATEGORY_LABELS } from '../sync/mapping/index.js';
import type { Block, RegisterDocument, Section } from './document.js';
import type { ControllerEntry, ProcessingRegister } from './register-model.js';
import {
  breachContactBlock,
  categoryItems,
  measureTable,
  processorFields,
  retentionItems,
  subProcessorBlocks,
  transferBlock,
} from './shared-blocks.js';
import type { Texts } from './texts.js';

/** The Art. 30(2) record, section by section in the order of the article: (a) to (d), then the rest. */
export function registerDocument(r: ProcessingRegister, t: Texts): RegisterDocument {
  const s = t.register;
  const sections: Section[] = [
    { heading: s.processorHeading, blocks: [processorFields(t, r)] },
    {
      heading: s.controllersHeading,
      blocks: [{ kind: 'paragraph', text: r.controllers.length > 0 ? s.controllersIntro : s.noControllers }],
    },
    ...r.controllers.map((c) => controllerSection(t, c)),
    {
      heading: s.categoriesHeading,
      blocks: [{ kind: 'paragraph', text: s.categoriesIntro }, categoryItems(t, r.dataCategories)],
    },
    {
      heading: s.subjectsHeading,
      blocks: [{ kind: 'list', items: r.dataSubjects.map((d) => t.subject[d]) }],
    },
    { heading: s.transfersHeading, blocks: [transferBlock(t, r)] },
    { heading: s.subProcessorsHeading, blocks: subProcessorBlocks(t, r, s.noSubProcessors) },
    { heading: s.retentionHeading, blocks: [retentionItems(t, r)] },
    { heading: s.securityHeading, blocks: [measureTable(t, r)] },
    {
      heading: s.breachHeading,
      blocks: [
        { kind: 'paragraph', text: s.breachPromise(r.breach.notificationHours) },
        breachContactBlock(t, r),
      ],
    },
    missingSection(t, r),
  ];
  return {
    lang: t.lang,
    title: s.title,
    intro: [s.intro],
    sections,
    footer: t.generated(r.generatedAt, r.configHash),
  };
}

function controllerSection(t: Texts, c: ControllerEntry): Section {
  const f = t.fields;
  const rows: Array<[string, string]> = [
    [f.id, c.id],
    [f.status, t.controllerStatus[c.status]],
    [f.contact, t.controllerContactGap],
    [f.definition, t.definitionSource[c.definition]],
    [f.scope, t.scope(c.scope.kind, c.scope.detail)],
    [f.systems, t.systems(c.systems.dataverse, c.systems.mailplus)],
    [f.categories, c.categories.map((k) => CATEGORY_LABELS[k][t.lang]).join('; ')],
    [f.lifecycle, t.lifecycle(c.lifecycle.onDelete, c.lifecycle.onDeactivate, c.lifecycle.onDoNotBulkEmail)],
  ];
  const blocks: Block[] = [
    { kind: 'fields', rows },
    { kind: 'paragraph', text: `${f.activities}:` },
    { kind: 'list', items: c.activities.map((a) => t.activity[a]) },
  ];
  return { heading: c.name, level: 3, blocks };
}

function missingSection(t: Texts, r: ProcessingRegister): Section {
  const blocks: Block[] =
    r.missing.length === 0
      ? [{ kind: 'paragraph', text: t.register.complete }]
      : [
          { kind: 'paragraph', text: t.register.missingIntro },
          { kind: 'list', items: r.missing.map((path) => ({ gap: path })) },
        ];
  return { heading: t.register.missingHeading, blocks };
}
