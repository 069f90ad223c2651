import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apSheetChapters } from '../../src/incidents/documents/ap-sheet.js';
import type { DocumentContext } from '../../src/incidents/documents/document-context.js';
import { dpoReview, inPeriod } from '../../src/incidents/documents/dpo-review.js';
import {
  buildIncidentDocument,
  documentFileName,
  type IncidentDocumentKind,
} from '../../src/incidents/documents/render-incident-document.js';
import type { Deadline, Incident } from '../../src/incidents/incident-model.js';
import type { RegisterDocument } from '../../src/register/document.js';
import { escapeHtml, renderHtml } from '../../src/register/render-html.js';
import { renderMarkdown } from '../../src/register/render-md.js';
import {
  context,
  controllerDeadline,
  fullIncident,
  NOTICE_AT,
  sparseIncident,
  T0,
} from './fixtures/incident-factory.js';

const HOUR = 3_600_000;
type Lang = 'nl' | 'en';
/** One required element: what it is, the label or heading that introduces it, and the fixture's value. */
type Element = [what: string, label: string, value: string];

/** Markdown escapes like render-md.ts, HTML like render-html.ts: the expected text as it must appear. */
function shown(format: 'md' | 'html', text: string): string {
  return format === 'html'
    ? escapeHtml(text)
    : text.replace(/\s*\n\s*/g, ', ').replace(/([\\`*_[\]<>])/g, '\\$1');
}

function render(doc: RegisterDocument, format: 'md' | 'html'): string {
  return format === 'md' ? renderMarkdown([doc]) : renderHtml([doc]);
}

function assertElements(doc: RegisterDocument, elements: readonly Element[]): void {
  for (const format of ['md', 'html'] as const) {
    const out = render(doc, format);
    for (const [what, label, value] of elements) {
      assert.ok(out.includes(shown(format, label)), `${format}: ${what}: label "${label}" is missing`);
      assert.ok(out.includes(shown(format, value)), `${format}: ${what}: value "${value}" is missing`);
    }
  }
}

// 2026-03-28 09:15 UTC is 10:15 CET; the notice's 72 hours end after the change to summer time.
const CUSTOMER_NOTICE: Record<Lang, Element[]> = {
  nl: [
    ['nature', '1. Wat er is gebeurd', 'API-sleutel van de Mail+-koppeling uitgelekt'],
    ['nature (type)', 'Soort inbreuk', 'vertrouwelijkheid: de gegevens kwamen bij onbekende ontvangers'],
    ['time detected', 'Ontdekt', '28 maart 2026 om 10:15 CET'],
    ['time aware', 'Wij kregen kennis van het datalek', '28 maart 2026 om 12:15 CET'],
    [
      'data categories',
      'Categorieën gegevens',
      'inloggegevens (gebruikersnamen, wachtwoorden, toegangstokens)',
    ],
    ['number of people', 'Aantal personen', '1.250 personen'],
    ['consequences', '5. Waarschijnlijke gevolgen', 'Mogelijk phishing-e-mails aan de betrokkenen'],
    ['measures taken', '6. Genomen maatregelen', 'De uitgelekte API-sleutel is ingetrokken en vervangen.'],
    [
      'measures planned',
      '7. Geplande maatregelen',
      'Logbestanden worden voortaan zonder sleutels geschreven.',
    ],
    ['unknowns', '8. Wat nog onbekend is', 'Wie de gegevens heeft ontvangen is nog niet bekend.'],
    ['contact point', '11. Ons contactpunt', 'Test FG, fg@voorbeeld.example, +31 20 000 0001'],
    [
      '72-hour deadline',
      '10. Uw termijn voor de Autoriteit Persoonsgegevens',
      'eindigen uw 72 uur op 31 maart 2026 om 14:15 CEST',
    ],
  ],
  en: [
    ['nature', '1. What happened', 'API-sleutel van de Mail+-koppeling uitgelekt'],
    ['nature (type)', 'Type of breach', 'confidentiality: the data reached unknown recipients'],
    ['time detected', 'Detected', '28 March 2026 at 10:15 CET'],
    ['time aware', 'We became aware of the breach', '28 March 2026 at 12:15 CET'],
    ['data categories', 'Data categories', 'login details (user names, passwords, access tokens)'],
    ['number of people', 'Number of people', '1,250 people'],
    ['consequences', '5. Likely consequences', 'Mogelijk phishing-e-mails aan de betrokkenen'],
    ['measures taken', '6. Measures taken', 'De uitgelekte API-sleutel is ingetrokken en vervangen.'],
    ['measures planned', '7. Measures planned', 'Logbestanden worden voortaan zonder sleutels geschreven.'],
    ['unknowns', '8. What is still unknown', 'Who received the data is not yet known.'],
    ['contact point', '11. Our contact point', 'Test FG, fg@voorbeeld.example, +31 20 000 0001'],
    [
      '72-hour deadline',
      '10. Your deadline for the Autoriteit Persoonsgegevens',
      'your 72 hours end on 31 March 2026 at 14:15 CEST',
    ],
  ],
};

const SUBJECT_NOTICE: Record<Lang, Element[]> = {
  nl: [
    ['nature', 'Wat is er gebeurd', 'Uw gegevens zijn terechtgekomen bij mensen die wij niet kennen.'],
    ['data', 'Welke gegevens van u het betreft', 'inloggegevens'],
    ['contact point', 'Contactpunt privacy', 'privacy@testklant.example, +31 30 000 0002'],
    [
      'consequences',
      'Wat dit voor u kan betekenen',
      'Iemand kan met uw inloggegevens op uw account inloggen',
    ],
    ['measures', 'Wat wij hebben gedaan en nog doen', 'De uitgelekte API-sleutel is ingetrokken'],
    ['advice (credentials)', 'Wat u zelf kunt doen', 'Wijzig nu uw wachtwoord voor deze dienst'],
    ['advice (contact)', 'Wat u zelf kunt doen', 'Klik niet op links'],
    ['sender', 'Testklant Eén B.V. informeert u', 'Testklant Eén B.V.'],
  ],
  en: [
    ['nature', 'What happened', 'Your data reached people we do not know.'],
    ['data', 'Which of your data are involved', 'login details'],
    ['contact point', 'Privacy contact point', 'privacy@testklant.example, +31 30 000 0002'],
    [
      'consequences',
      'What this may mean for you',
      'Someone may log in to your account with your login details',
    ],
    ['measures', 'What we have done and will do', 'De uitgelekte API-sleutel is ingetrokken'],
    ['advice (credentials)', 'What you can do yourself', 'Change your password for this service now'],
    ['advice (contact)', 'What you can do yourself', 'Do not click links'],
    ['sender', 'Testklant Eén B.V. informs you', 'Testklant Eén B.V.'],
  ],
};

const AP_HEADINGS: Record<Lang, string[]> = {
  nl: [
    '1. Over deze melding',
    '2. Contactgegevens en overige algemene informatie',
    '3. Tijdlijn',
    '4. Gegevens over het datalek',
    '5. Persoonsgegevens die betrokken zijn bij het datalek',
    '6. De groep mensen van wie persoonsgegevens betrokken zijn',
    '7. Maatregelen die zijn getroffen voordat het datalek plaatsvond',
    '8. Gevolgen van het datalek',
    '9. Vervolgacties naar aanleiding van het datalek, waaronder het informeren van betrokkenen',
    '10. Internationale aspecten',
    '11. Overig',
  ],
  en: [
    '1. About this notification',
    '2. Contact details and general information',
    '3. Timeline',
    '4. Details of the breach',
    '5. Personal data involved',
    '6. The people concerned',
    '7. Measures taken before the breach',
    '8. Consequences of the breach',
    '9. Follow-up, including informing the people concerned',
    '10. International aspects',
    '11. Other',
  ],
};

for (const lang of ['nl', 'en'] as const) {
  describe(`incident documents (${lang})`, () => {
    it('the customer notice holds every required element', () => {
      const doc = buildIncidentDocument('customer-notice', fullIncident(), context({ lang }));
      assertElements(doc, CUSTOMER_NOTICE[lang]);
    });

    it('the notice to the people concerned holds every required element and names no person', () => {
      const doc = buildIncidentDocument('subject-notice', fullIncident(), context({ lang }));
      assertElements(doc, SUBJECT_NOTICE[lang]);
      for (const format of ['md', 'html'] as const) {
        const out = render(doc, format);
        for (const name of ['Test Privacy 1', 'Test Contact 1', 'Test FG'])
          assert.ok(!out.includes(name), `${format}: ${name} must not appear in a notice to the people`);
      }
    });

    it('the AP sheet has every chapter of the form, each with its answers', () => {
      const doc = buildIncidentDocument('ap-sheet', fullIncident(), context({ lang }));
      assert.deepEqual(
        doc.sections.map((s) => s.heading),
        AP_HEADINGS[lang],
      );
      const label =
        lang === 'nl' ? ['vastgelegd', 'afgeleid', 'ontbreekt'] : ['recorded', 'derived', 'missing'];
      const [rec] = label;
      assertElements(doc, [
        ...AP_HEADINGS[lang].map((h): Element => ['chapter', h, h]),
        [
          'organisation',
          lang === 'nl' ? 'Organisatie (naam, adres)' : 'Organisation (name, address)',
          'Testklant Eén B.V., Proefweg 2, 2000 BB Proefdorp',
        ],
      ]);
      const md = render(doc, 'md');
      assert.match(
        md,
        new RegExp(
          `\\| ${lang === 'nl' ? 'KvK-nummer' : 'Chamber of Commerce \\(KvK\\) number'} \\| 11111111 \\| ${rec} \\|`,
        ),
      );
    });

    it('the DPO review lists the incidents of the period, times against deadlines and open actions', () => {
      const doc = reviewDocument(lang);
      const r =
        lang === 'nl'
          ? {
              list: '2. Incidenten',
              times: '3. Tijden ten opzichte van de termijnen',
              actions: '4. Open acties',
              missed: 'overschreden',
              plan: 'geplande maatregel: Logbestanden worden voortaan zonder sleutels geschreven.',
              aware: 'bevestig of verwerp het datalek',
              assess: 'maak de risicobeoordeling',
              period: '1 maart 2026',
              delay: 'geef de reden voor de vertraging (Onze melding aan de klant overschreden)',
            }
          : {
              list: '2. Incidents',
              times: '3. Times against deadlines',
              actions: '4. Open actions',
              missed: 'missed',
              plan: 'planned measure: Logbestanden worden voortaan zonder sleutels geschreven.',
              aware: 'confirm or dismiss the breach',
              assess: 'make the risk assessment',
              period: '1 March 2026',
              delay: 'give the reason for the delay (Our notice to the customer missed)',
            };
      assertElements(doc, [
        ['period', r.list, r.period],
        ['incident', r.list, 'inc-0007'],
        ['incident title', r.list, 'API-sleutel van de Mail+-koppeling uitgelekt'],
        ['time to awareness', r.list, '2 h 00 min'],
        ['deadline result', r.times, r.missed],
        ['open action: planned measure', r.actions, r.plan],
        ['open action: awareness', r.actions, r.aware],
        ['open action: assessment', r.actions, r.assess],
        ['open action: delay reason', r.actions, r.delay],
      ]);
      const md = render(doc, 'md');
      assert.ok(!md.includes('inc-0001'), 'an incident closed before the period is left out');
      assert.ok(
        !md.includes('(72 h) missed)') && !md.includes('(72 uur) overschreden)'),
        'not for the customer’s 72 h',
      );
    });
  });
}

function reviewDocument(lang: Lang): RegisterDocument {
  const missed = controllerDeadline(NOTICE_AT, 'missed');
  // Our own notice came late: that one needs a reason for the delay; the customer's 72 hours do not.
  const late: Deadline = {
    name: 'customer-notice',
    from: T0,
    due: T0 + HOUR,
    state: 'missed',
    tenantId: 'testklant-1',
  };
  const deadlines = new Map<string, Deadline[]>([['inc-0007', [missed, late]]]);
  const incidents: Incident[] = [
    fullIncident(),
    sparseIncident(),
    sparseIncident({ id: 'inc-0009', state: 'assessment', awareAt: T0 + HOUR, title: 'Verkeerde ontvanger' }),
    fullIncident({ id: 'inc-0001', state: 'closed', reportedAt: T0 - 900 * HOUR, closedAt: T0 - 800 * HOUR }),
  ];
  return dpoReview(incidents, {
    period: { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 3, 1) },
    now: T0 + 100 * HOUR,
    lang,
    deadlines: (i) => deadlines.get(i.id) ?? [],
  });
}

describe('AP sheet: where each answer comes from', () => {
  const byQuestion = (ctx: DocumentContext, incident: Incident) =>
    new Map(apSheetChapters(incident, ctx).flatMap((c) => c.answers.map((a) => [a.question, a])));

  it('marks each answer recorded, derived or missing for an incident with gaps', () => {
    const ctx = context({ lang: 'en', deadlines: [] });
    const answers = byQuestion(ctx, sparseIncident());
    const expect: Record<string, 'recorded' | 'derived' | 'missing'> = {
      'New notification, or a supplement to or withdrawal of an earlier one': 'derived',
      'Under which law': 'derived',
      'Organisation (name, address)': 'recorded',
      'Chamber of Commerce (KvK) number': 'recorded',
      Sector: 'missing',
      'Who reports (name, function, phone; e-mail optional)': 'missing',
      'Data protection officer (FG) or privacy contact': 'recorded',
      'Was another organisation involved in the breach?': 'derived',
      'Start of the breach (date and time, or period)': 'missing',
      'Is the breach still going on?': 'missing',
      'Date and time of discovery': 'recorded',
      'When you (the controller) became aware: our notice to you': 'missing',
      'How the breach was discovered': 'derived',
      'Reasons for notifying after 72 hours': 'derived',
      'Nature of the breach': 'missing',
      'Type of incident': 'missing',
      'Summary of what happened': 'recorded',
      'Categories of personal data': 'missing',
      'Number of records involved (approximately)': 'missing',
      'Kinds of people concerned': 'missing',
      'Number of people (minimum–maximum)': 'missing',
      'Were the data encrypted, hashed or otherwise unintelligible to unauthorised persons?': 'missing',
      'Possible consequences for the people’s privacy (physical, material, immaterial damage)': 'missing',
      'Estimate of the severity of the possible consequences': 'missing',
      'Have you informed the people concerned, or do you plan to?': 'missing',
      'Measures to address the breach and to prevent it happening again': 'missing',
      'Did the breach occur in cross-border processing?': 'missing',
      'Anything else': 'derived',
    };
    for (const [question, status] of Object.entries(expect))
      assert.equal(answers.get(question)?.status, status, question);
    // A missing answer says what to fill in, and the rendered sheet marks it.
    assert.equal(answers.get('Sector')?.value, 'fill in your organisation’s sector');
    const md = renderMarkdown([buildIncidentDocument('ap-sheet', sparseIncident(), ctx)]);
    assert.match(md, /\| Sector \| \*\*⚠ fill in your organisation’s sector\*\* \| missing \|/);
    assert.match(md, /\| Date and time of discovery \| 28 March 2026 at 10:15 CET \| recorded \|/);
  });

  it('without controller details the organisation is missing', () => {
    const ctx = context({ lang: 'en', tenant: { id: 'testklant-1', name: 'testklant', controller: null } });
    const answers = byQuestion(ctx, fullIncident());
    assert.equal(answers.get('Organisation (name, address)')?.status, 'missing');
    assert.equal(answers.get('Chamber of Commerce (KvK) number')?.status, 'missing');
    assert.equal(answers.get('Categories of personal data')?.status, 'recorded');
    assert.equal(
      answers.get('Have you informed the people concerned, or do you plan to?')?.status,
      'derived',
    );
  });

  it('past the 72 hours asks for the reasons for the delay, and shows them once recorded', () => {
    const late = context({ lang: 'en', now: NOTICE_AT + 80 * HOUR });
    const q = 'Reasons for notifying after 72 hours';
    assert.equal(byQuestion(late, fullIncident()).get(q)?.status, 'missing');
    const withReason = byQuestion(
      late,
      fullIncident({ delayReasons: ['Het onderzoek naar de omvang duurde langer.'] }),
    );
    assert.deepEqual(withReason.get(q), {
      question: q,
      status: 'recorded',
      value: 'Het onderzoek naar de omvang duurde langer.',
    });
    assert.equal(byQuestion(context({ lang: 'en' }), fullIncident()).get(q)?.status, 'derived');
  });

  it('where koppel’s operator is the controller, the sheet is filled in with our own details', () => {
    const own: Deadline = { name: 'own-authority', from: T0, due: T0 + 72 * HOUR, state: 'open' };
    const ctx = context({ lang: 'en', tenant: null, deadlines: [own] });
    const answers = byQuestion(ctx, fullIncident({ tenants: [], operatorIsController: true }));
    assert.deepEqual(answers.get('Organisation (name, address)'), {
      question: 'Organisation (name, address)',
      status: 'recorded',
      value: 'Voorbeeld Koppelingen B.V., Teststraat 1, 1000 AA Teststad',
    });
    assert.equal(answers.get('Chamber of Commerce (KvK) number')?.value, '00000000');
    assert.equal(answers.has('Was another organisation involved in the breach?'), false);
    assert.equal(answers.get('When the processor became aware')?.value, '28 March 2026 at 12:15 CET');
    // Our own 72 hours, from 28 March 09:15 UTC (10:15 CET) to 31 March 09:15 UTC (11:15 CEST).
    assert.match(
      answers.get('Reasons for notifying after 72 hours')?.value ?? '',
      /31 March 2026 at 11:15 CEST/,
    );
  });

  it('a recorded decision on informing the people is recorded, with its reasoning', () => {
    const incident = fullIncident({
      decisions: [
        {
          at: T0,
          by: 'test-dpo-1',
          topic: 'notify-data-subjects',
          value: true,
          reasoning: 'Wachtwoorden zijn uitgelekt.',
        },
      ],
    });
    const a = byQuestion(context({ lang: 'nl' }), incident).get(
      'Heeft u het datalek gemeld aan de betrokkenen of bent u van plan dat te gaan doen?',
    );
    assert.deepEqual([a?.status, a?.value], ['recorded', 'ja: Wachtwoorden zijn uitgelekt.']);
  });
});

describe('incident documents: edge cases', () => {
  const HOSTILE = '<script>alert(1)</script>';
  const ATTRIBUTE = '"><img src=x onerror=alert(1)>';

  it('escapes incident texts in HTML in every document', () => {
    const incident = fullIncident({
      title: HOSTILE,
      summary: ATTRIBUTE,
      effects: ATTRIBUTE,
      measuresTaken: [HOSTILE],
      measuresPlanned: [ATTRIBUTE],
      delayReasons: [HOSTILE],
    });
    const docs: RegisterDocument[] = [
      ...(['customer-notice', 'ap-sheet', 'subject-notice'] as IncidentDocumentKind[]).map((kind) =>
        buildIncidentDocument(kind, incident, context({ lang: 'en', now: NOTICE_AT + 80 * HOUR })),
      ),
      dpoReview([incident], {
        period: { from: T0 - HOUR, to: T0 + HOUR },
        now: T0,
        lang: 'en',
        deadlines: () => [],
      }),
    ];
    for (const doc of docs) {
      const html = renderHtml([doc]);
      assert.ok(!html.includes('<script'), `${doc.title}: no script element`);
      assert.ok(!html.includes('<img'), `${doc.title}: no img element`);
      assert.ok(!html.includes('"><'), `${doc.title}: no attribute break-out`);
      assert.ok(
        html.includes('&lt;script&gt;') || html.includes('&quot;&gt;&lt;img'),
        `${doc.title}: the text is shown, escaped`,
      );
    }
  });

  it('a customer notice for an incident with gaps says what is missing and still unknown', () => {
    const md = renderMarkdown([
      buildIncidentDocument('customer-notice', sparseIncident(), context({ lang: 'en', deadlines: [] })),
    ]);
    assert.match(md, /\*\*Number of people:\*\* \*\*⚠ not yet established\*\*/);
    assert.match(md, /- The facts of the breach \(type, data, people\) have not been established yet\./);
    assert.match(md, /- The moment of awareness has not been established yet\./);
    // Not yet informed: the 72 hours count from this notice (now = 12:15 UTC on the 28th).
    assert.match(md, /your 72 hours end on 31 March 2026 at 14:15 CEST/);
  });

  it('tailors the advice to the data categories', () => {
    const incident = fullIncident({ facts: { ...fullIncident().facts!, data: ['financial'] } });
    const doc = buildIncidentDocument('subject-notice', incident, context({ lang: 'en' }));
    const md = renderMarkdown([doc]);
    assert.match(md, /Check your bank statements/);
    assert.doesNotMatch(md, /Change your password/);
    assert.doesNotMatch(md, /Do not click links/);
  });

  it('a range of people is shown as a range', () => {
    const incident = fullIncident({
      facts: { ...fullIncident().facts!, people: { min: 100, max: 5000, vulnerable: true, categories: [] } },
    });
    const md = renderMarkdown([buildIncidentDocument('customer-notice', incident, context({ lang: 'nl' }))]);
    assert.match(md, /tussen 100 en 5\.000 personen/);
    assert.match(md, /Het precieze aantal betrokkenen is nog niet bekend/);
  });

  it('an incident belongs to a period when open at any moment in it', () => {
    const period = { from: T0, to: T0 + 10 * HOUR };
    assert.equal(inPeriod(fullIncident({ reportedAt: T0 - HOUR }), period), true);
    assert.equal(inPeriod(fullIncident({ reportedAt: T0 + 10 * HOUR }), period), false);
    assert.equal(inPeriod(fullIncident({ reportedAt: T0 - 5 * HOUR, closedAt: T0 - HOUR }), period), false);
  });

  it('makes a safe download file name', () => {
    assert.equal(
      documentFileName('customer-notice', 'pdf', 'nl', ['inc-0007', 'Testklant/../1']),
      'incident-inc-0007-testklant-1-customer-notice-nl.pdf',
    );
  });
});
