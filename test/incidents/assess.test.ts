import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assess, assessmentOutput } from '../../src/incidents/assess.js';
import { enisaSeverity, levelOf } from '../../src/incidents/enisa-severity.js';
import { InvalidFactsError, parseFacts, parseFactsJson } from '../../src/incidents/facts-issues.js';
import {
  AVAILABILITY,
  CAUSES,
  CONFIDENTIALITY,
  DATA_CATEGORIES,
  IDENTIFIABILITY,
  INTEGRITY,
  type IncidentFactsInput,
  RECIPIENT_KINDS,
} from '../../src/incidents/facts-schema.js';

/** A plain breach: names and e-mail addresses of 100 people seen by one wrong recipient by mistake. */
const BASE: IncidentFactsInput = {
  confidentiality: 'known-recipients',
  integrity: 'none',
  availability: 'none',
  cause: 'accidental',
  data: ['name', 'contact'],
  people: { count: 100 },
  identifiability: 'maximum',
  protection: { state: 'none' },
  recipient: { kind: 'untrusted' },
  exfiltration: 'not-applicable',
};
const facts = (over: Partial<IncidentFactsInput> = {}) => parseFacts({ ...BASE, ...over });

describe('ENISA severity', () => {
  it('scores SE = DPC x EI + CB with the highest category', () => {
    const s = enisaSeverity(
      facts({ data: ['name', 'financial'], identifiability: 'significant', cause: 'malicious-internal' }),
    );
    assert.deepEqual([s.dpc, s.ei, s.cb, s.score, s.level], [3, 0.75, 0.75, 3, 'high']);
  });

  it('puts the bands at 2, 3 and 4', () => {
    assert.deepEqual([1.99, 2, 2.99, 3, 3.99, 4, 6].map(levelOf), [
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'very high',
      'very high',
    ]);
  });

  it('adds each circumstance element and malicious intent (0..2)', () => {
    const worst = enisaSeverity(
      facts({
        confidentiality: 'unknown-recipients',
        integrity: 'altered-unrecoverable',
        availability: 'permanent',
        cause: 'malicious-external',
        data: ['special-category'],
        specialCategories: ['health'],
      }),
    );
    assert.deepEqual([worst.cb, worst.score, worst.level], [2, 6, 'very high']);
    const least = enisaSeverity(
      facts({
        confidentiality: 'exposed-no-evidence-of-access',
        identifiability: 'negligible',
        data: ['name'],
      }),
    );
    assert.deepEqual([least.cb, least.score], [0, 0.25]);
  });

  it('scores credentials as the data they open, and payment cards as financial +1', () => {
    assert.equal(enisaSeverity(facts({ data: ['credentials'] })).dpc, 1);
    assert.equal(enisaSeverity(facts({ data: ['credentials', 'behavioural'] })).dpc, 2);
    assert.equal(enisaSeverity(facts({ data: ['payment-card'] })).dpc, 4);
  });

  it('applies the DPO adjustments and vulnerable people, clamped to 1..4', () => {
    const adjusted = facts({
      data: ['contact', 'financial'],
      dpcAdjustments: [
        { category: 'contact', by: 2, reason: 'list of an adult shop' },
        { category: 'financial', by: -2, reason: 'only the fact of being a customer' },
      ],
    });
    assert.deepEqual(
      enisaSeverity(adjusted).parts.map((p) => [p.category, p.score]),
      [
        ['contact', 3],
        ['financial', 1],
      ],
    );
    const vulnerable = facts({ data: ['financial'], people: { count: 5, vulnerable: true } });
    assert.equal(enisaSeverity(vulnerable).dpc, 4);
    const floor = facts({
      data: ['name'],
      dpcAdjustments: [{ category: 'name', by: -3, reason: 'public list' }],
    });
    assert.equal(enisaSeverity(floor).dpc, 1);
  });
});

describe('assess: recommendation and reasons', () => {
  it('gives every reason in both languages, with a stable code, and ends with the advice', () => {
    const a = assess(facts({ data: ['special-category'], specialCategories: ['health'] }));
    for (const r of a.reasons) {
      assert.match(r.code, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(r.nl.length > 20 && r.en.length > 20 && r.nl !== r.en, r.code);
    }
    const codes = a.reasons.map((r) => r.code);
    assert.equal(codes[0], 'enisa-severity');
    assert.deepEqual(codes.slice(-2), ['recommend-notify-subjects', 'dpo-decides']);
    assert.ok(codes.includes('special-categories-exposed'));
  });

  it('is deterministic: the same facts give the same assessment', () => {
    const f = facts({ cause: 'unknown', people: { min: 10, max: 5000 } });
    assert.deepEqual(assess(f), assess(structuredClone(f)));
  });

  it('prints reasons in the chosen language only', () => {
    const a = assess(facts());
    const en = assessmentOutput(a, 'en');
    const nl = assessmentOutput(a, 'nl');
    assert.deepEqual(Object.keys(en), ['severity', 'notifyAuthority', 'notifyDataSubjects', 'reasons']);
    assert.deepEqual(
      en.reasons,
      a.reasons.map((r) => r.en),
    );
    assert.deepEqual(
      nl.reasons,
      a.reasons.map((r) => r.nl),
    );
    assert.match(nl.reasons[0] ?? '', /ernst volgens de ENISA-methode/);
  });

  it('documents only when no loss happened or nobody is concerned', () => {
    const noLoss = assess(facts({ confidentiality: 'none', recipient: { kind: 'none' } }));
    assert.equal(noLoss.notifyAuthority, false);
    assert.ok(noLoss.reasons.some((r) => r.code === 'no-loss'));
    const nobody = assess(
      facts({ people: { count: 0 }, data: ['special-category'], specialCategories: ['health'] }),
    );
    assert.equal(nobody.notifyAuthority, false);
    assert.ok(nobody.reasons.some((r) => r.code === 'no-people'));
  });

  it('raises to the AP for many people, and says what an unknown cause could change', () => {
    const few = assess(facts());
    assert.equal(few.notifyAuthority, false, 'names and e-mails of 100 people to one wrong recipient');
    const many = assess(facts({ people: { min: 500, max: 1000 }, cause: 'unknown' }));
    assert.equal(many.notifyAuthority, true);
    assert.equal(many.notifyDataSubjects, false);
    const codes = many.reasons.map((r) => r.code);
    assert.ok(codes.includes('many-people') && codes.includes('cause-unknown'));
  });

  it('counts a trusted recipient only when the deletion is confirmed', () => {
    const trusted = (confirmedDeleted: boolean) =>
      assess(facts({ data: ['name', 'financial'], recipient: { kind: 'trusted', confirmedDeleted } }));
    assert.equal(trusted(false).notifyDataSubjects, true);
    assert.ok(trusted(false).reasons.some((r) => r.code === 'trusted-recipient-not-deleted'));
    assert.equal(trusted(true).notifyAuthority, false);
    const sensitive = assess(
      facts({
        data: ['special-category'],
        specialCategories: ['health'],
        recipient: { kind: 'trusted', confirmedDeleted: true },
      }),
    );
    assert.deepEqual([sensitive.notifyAuthority, sensitive.notifyDataSubjects], [true, false]);
    const alsoTaken = assess(
      facts({
        data: ['name', 'financial'],
        recipient: { kind: 'trusted', confirmedDeleted: true },
        exfiltration: 'confirmed',
      }),
    );
    assert.equal(alsoTaken.notifyDataSubjects, true, 'one deletion does not undo an exfiltration');
  });

  it('does not count weak encryption, a compromised key or pseudonymisation as unintelligible', () => {
    for (const protection of [
      { state: 'encrypted' as const, stateOfTheArt: false },
      { state: 'hashed' as const, stateOfTheArt: true, keyCompromised: true },
      { state: 'pseudonymised' as const, stateOfTheArt: true },
    ]) {
      const a = assess(facts({ data: ['payment-card'], protection }));
      assert.equal(a.notifyDataSubjects, true, JSON.stringify(protection));
    }
  });

  it('treats availability by backup, time and effect', () => {
    const outage = (over: Partial<IncidentFactsInput>) =>
      assess(
        facts({ confidentiality: 'none', recipient: { kind: 'none' }, availability: 'temporary', ...over }),
      );
    assert.equal(outage({ availabilityImpact: 'inconvenience', unavailableHours: 3 }).notifyAuthority, false);
    assert.equal(outage({ availabilityImpact: 'significant' }).notifyAuthority, true);
    assert.equal(outage({ availabilityImpact: 'significant' }).notifyDataSubjects, false);
    assert.equal(outage({ availabilityImpact: 'critical' }).notifyDataSubjects, true);
    assert.equal(outage({ availability: 'permanent', backupAvailable: false }).notifyAuthority, true);
    assert.equal(outage({ availability: 'permanent', backupAvailable: true }).notifyAuthority, false);
  });

  it('treats integrity by use and recovery', () => {
    const altered = (integrity: IncidentFactsInput['integrity']) =>
      assess(facts({ confidentiality: 'none', recipient: { kind: 'none' }, integrity }));
    assert.equal(altered('altered-not-used').notifyAuthority, false);
    assert.equal(altered('altered-unrecoverable').notifyAuthority, true);
  });
});

/**
 * Property-style checks over every combination of the fields that matter (a few thousand facts): the
 * rules that must hold whatever else the facts say.
 */
function* combinations(): Generator<IncidentFactsInput> {
  const dataSets: IncidentFactsInput['data'][] = [
    ['name'],
    ['name', 'contact', 'financial'],
    ['contact', 'credentials'],
    ['special-category'],
    ['criminal', 'national-id'],
  ];
  for (const confidentiality of CONFIDENTIALITY)
    for (const integrity of INTEGRITY)
      for (const availability of AVAILABILITY)
        for (const cause of CAUSES)
          for (const data of dataSets)
            for (const identifiability of IDENTIFIABILITY)
              for (const vulnerable of [false, true])
                yield {
                  ...BASE,
                  confidentiality,
                  integrity,
                  availability,
                  cause,
                  data,
                  specialCategories: data.includes('special-category') ? ['health'] : [],
                  identifiability,
                  people: { count: 50, vulnerable },
                  exfiltration: confidentiality === 'none' ? 'ruled-out' : 'possible',
                };
}

describe('assess: properties', () => {
  it('never tells the people without telling the AP; the score stays in 0.25..6', () => {
    let n = 0;
    for (const input of combinations()) {
      const a = assess(parseFacts(input));
      assert.ok(!a.notifyDataSubjects || a.notifyAuthority, JSON.stringify(input));
      assert.ok(a.severity.score >= 0.25 && a.severity.score <= 6);
      n++;
    }
    assert.ok(n > 5000, `${n} combinations`);
  });

  it('state-of-the-art encryption with a safe key and a backup: no notification, whatever the data', () => {
    for (const input of combinations()) {
      if (input.integrity !== 'none' || !['none', 'restored-without-difficulty'].includes(input.availability))
        continue;
      for (const state of ['encrypted', 'hashed'] as const) {
        const a = assess(
          parseFacts({
            ...input,
            protection: { state, stateOfTheArt: true, keyCompromised: false },
            backupAvailable: true,
            recipient: { kind: 'unknown' },
          }),
        );
        assert.equal(a.notifyAuthority, false, JSON.stringify(input));
      }
    }
  });

  it('special categories or vulnerable people reaching others: the people are told', () => {
    for (const input of combinations()) {
      if (input.confidentiality === 'none') continue;
      const sensitive = input.data.includes('special-category') || input.data.includes('criminal');
      if (!sensitive && !input.people.vulnerable) continue;
      for (const kind of RECIPIENT_KINDS.filter(
        (k) => k === 'untrusted' || k === 'unknown' || k === 'public',
      )) {
        const a = assess(parseFacts({ ...input, recipient: { kind } }));
        assert.equal(a.notifyDataSubjects, true, JSON.stringify({ ...input, kind }));
      }
    }
  });

  it('more sensitive data never lowers the recommendation', () => {
    const rank = (a: { notifyAuthority: boolean; notifyDataSubjects: boolean }) =>
      Number(a.notifyAuthority) + Number(a.notifyDataSubjects);
    for (const input of combinations()) {
      if (input.data.length !== 1 || input.data[0] !== 'name') continue;
      const plain = assess(parseFacts(input));
      for (const extra of DATA_CATEGORIES.filter((c) => c !== 'name' && c !== 'special-category')) {
        const more = assess(parseFacts({ ...input, data: ['name', extra] }));
        assert.ok(rank(more) >= rank(plain), `${extra}: ${JSON.stringify(input)}`);
      }
    }
  });
});

describe('facts validation', () => {
  const issues = (input: unknown) => {
    try {
      parseFacts(input);
    } catch (error) {
      assert.ok(error instanceof InvalidFactsError);
      return error.issues;
    }
    assert.fail('accepted');
  };

  it('names each bad field with its path and the rule', () => {
    const got = issues({
      ...BASE,
      confidentiality: 'leaked',
      data: ['name', 'shoe-size'],
      people: { count: 2.5 },
      protection: { state: 'none', stateOfTheArt: 'yes' },
      colour: 'red',
    });
    assert.deepEqual(got, [
      'confidentiality: must be one of none, exposed-no-evidence-of-access, known-recipients, unknown-recipients',
      'data[1]: must be one of name, contact, date-of-birth, national-id, identity-document, financial, payment-card, credentials, location, behavioural, communication-content, special-category, criminal, professional, other',
      'people.count: must be a whole number',
      'protection.stateOfTheArt: must be true or false',
      'colour: is not a known field',
    ]);
  });

  it('says which forms people may take, and checks a range', () => {
    assert.deepEqual(issues({ ...BASE, people: 12 }), [
      'people: must be {count} or {min, max} (with optional vulnerable and categories)',
    ]);
    assert.deepEqual(issues({ ...BASE, people: { vulnerable: true } }), [
      'people: must be {count} or {min, max} (with optional vulnerable and categories)',
    ]);
    assert.deepEqual(issues({ ...BASE, people: { min: 10 } }), ['people.max: is required']);
    assert.deepEqual(issues({ ...BASE, people: { min: 10, max: 5 } }), ['people.min: must be at most max']);
  });

  it('names missing fields and inconsistent ones', () => {
    const { cause: _cause, ...noCause } = BASE;
    assert.deepEqual(issues(noCause), ['cause: is required']);
    assert.deepEqual(issues({ ...BASE, specialCategories: ['health'] }), [
      'data: must include "special-category" when specialCategories are named',
    ]);
    assert.deepEqual(issues({ ...BASE, confidentiality: 'none', exfiltration: 'confirmed' }), [
      'confidentiality: must not be none when exfiltration is confirmed (data that may have been taken were exposed)',
    ]);
    assert.deepEqual(issues({ ...BASE, dpcAdjustments: [{ category: 'financial', by: 1, reason: 'x' }] }), [
      'dpcAdjustments[0].category: must be one of the categories in data (name, contact)',
    ]);
  });

  it('reports a file that is not JSON, or not an object', () => {
    assert.throws(
      () => parseFactsJson('{"confidentiality":'),
      (e: InvalidFactsError) => /^\(file\): is not valid JSON/.test(e.issues[0] ?? ''),
    );
    assert.deepEqual(issues([]), ['(facts): must be a JSON object']);
  });
});
