import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DecisionError, recordAssessment, recordDecision } from '../../src/incidents/assessment-records.js';
import { parseFacts } from '../../src/incidents/facts-issues.js';
import type { IncidentRegister } from '../../src/incidents/incident-register.js';
import { DPO, type RegisterFixture, registerApp } from './register-fixtures.js';

const FACTS = parseFacts({
  confidentiality: 'unknown-recipients',
  integrity: 'none',
  availability: 'none',
  cause: 'malicious-external',
  data: ['name', 'contact'],
  people: { count: 800 },
  identifiability: 'maximum',
  protection: { state: 'none' },
  recipient: { kind: 'unknown' },
  exfiltration: 'confirmed',
});

describe('recording an assessment and the DPO decision (the real register, SQLite)', () => {
  let t: RegisterFixture;
  let register: IncidentRegister;
  const newIncident = async () =>
    (await register.report({ title: 'Export reachable at a guessable URL', tenants: ['acme'] }, DPO)).id;
  before(async () => {
    t = await registerApp('sqlite');
    register = t.app.incidents;
  });
  after(async () => t?.close());

  it('records the facts, then the assessment made from them', async () => {
    const id = await newIncident();
    const { assessment, incident } = await recordAssessment(register, id, FACTS, DPO);
    assert.deepEqual(
      incident.events.slice(-2).map((e) => e.body.type),
      ['facts-recorded', 'assessed'],
    );
    assert.equal(assessment.notifyAuthority, true);
    const stored = await register.get(id);
    assert.deepEqual(stored.assessment, assessment, 'the reasons in both languages are kept');
    assert.deepEqual(stored.facts, FACTS);
    await assert.rejects(recordAssessment(register, 'nope', FACTS, DPO), /no incident "nope"/);
  });

  it('refuses a decision before there is an assessment', async () => {
    const id = await newIncident();
    await assert.rejects(
      recordDecision(register, id, { notifyAuthority: true, notifyDataSubjects: false }, DPO),
      (e: Error) =>
        e instanceof DecisionError &&
        e.message.includes(`has no assessment yet`) &&
        e.message.includes(`--incident ${id}`),
    );
  });

  it('records a decision that follows the advice without a reason, one that departs only with one', async () => {
    const id = await newIncident();
    await recordAssessment(register, id, FACTS, DPO);
    const follows = await recordDecision(
      register,
      id,
      { notifyAuthority: true, notifyDataSubjects: false },
      DPO,
    );
    assert.equal(follows.followsRecommendation, true);
    assert.deepEqual(
      follows.incident.decisions.map((d) => [d.topic, d.value, d.reasoning, d.by]),
      [
        ['notify-authority', true, 'as recommended by the assessment', DPO.actor],
        ['notify-data-subjects', false, 'as recommended by the assessment', DPO.actor],
      ],
    );

    await assert.rejects(
      recordDecision(register, id, { notifyAuthority: false, notifyDataSubjects: false, reason: '  ' }, DPO),
      /differs from the recommendation \(notify the AP: yes, notify the people: no\): give the justification with --reason/,
    );
    const departs = await recordDecision(
      register,
      id,
      {
        notifyAuthority: true,
        notifyDataSubjects: true,
        reason: 'the customer asks to inform its subscribers as well',
      },
      DPO,
    );
    assert.equal(departs.followsRecommendation, false);
    assert.equal(
      departs.incident.decisions.at(-1)?.reasoning,
      'the customer asks to inform its subscribers as well',
    );
    assert.equal(departs.incident.decisions.length, 4, 'earlier decisions stay in the history');
  });

  it('refuses to tell the people without telling the AP', async () => {
    const id = await newIncident();
    await recordAssessment(register, id, FACTS, DPO);
    await assert.rejects(
      recordDecision(register, id, { notifyAuthority: false, notifyDataSubjects: true, reason: 'x' }, DPO),
      /without notifying the AP is not possible/,
    );
  });
});
