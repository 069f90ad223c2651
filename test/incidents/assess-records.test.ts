import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AssessmentRegister,
  DecisionError,
  recordAssessment,
  recordDecision,
} from '../../src/incidents/assessment-records.js';
import { parseFacts } from '../../src/incidents/facts-issues.js';
import type { Actor, Incident, IncidentEventBody } from '../../src/incidents/incident-model.js';

const DPO: Actor = { actor: 'fg', role: 'dpo', address: '127.0.0.1' };

/** Just enough of the register: keeps the events and derives what recording reads back. */
class FakeRegister implements AssessmentRegister {
  readonly events: IncidentEventBody[] = [];
  async get(id: string): Promise<Incident> {
    if (id !== 'inc-1') throw new Error(`no incident ${id}`);
    let assessment: Incident['assessment'] = null;
    let facts: Incident['facts'] = null;
    const decisions: Incident['decisions'] = [];
    for (const e of this.events) {
      if (e.type === 'assessed') assessment = e.assessment;
      if (e.type === 'facts-recorded') facts = e.facts;
      if (e.type === 'decided') decisions.push({ ...e.decision, at: 0, by: 'fg' });
    }
    return { id, assessment, facts, decisions } as Incident;
  }
  async append(id: string, body: IncidentEventBody): Promise<Incident> {
    await this.get(id);
    this.events.push(body);
    return this.get(id);
  }
}

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

describe('recording an assessment and the DPO decision', () => {
  it('records the facts, then the assessment made from them', async () => {
    const register = new FakeRegister();
    const { assessment, incident } = await recordAssessment(register, 'inc-1', FACTS, DPO);
    assert.deepEqual(
      register.events.map((e) => e.type),
      ['facts-recorded', 'assessed'],
    );
    assert.equal(assessment.notifyAuthority, true);
    assert.deepEqual(incident.assessment, assessment);
    await assert.rejects(recordAssessment(register, 'nope', FACTS, DPO), /no incident nope/);
    assert.equal(register.events.length, 2, 'nothing written for an unknown incident');
  });

  it('refuses a decision before there is an assessment', async () => {
    await assert.rejects(
      recordDecision(new FakeRegister(), 'inc-1', { notifyAuthority: true, notifyDataSubjects: false }, DPO),
      (e: Error) => e instanceof DecisionError && /has no assessment yet.*--incident inc-1/.test(e.message),
    );
  });

  it('records a decision that follows the advice without a reason, one that departs only with one', async () => {
    const register = new FakeRegister();
    await recordAssessment(register, 'inc-1', FACTS, DPO);
    const follows = await recordDecision(
      register,
      'inc-1',
      { notifyAuthority: true, notifyDataSubjects: false },
      DPO,
    );
    assert.equal(follows.followsRecommendation, true);
    assert.deepEqual(
      follows.incident.decisions.map((d) => [d.topic, d.value, d.reasoning]),
      [
        ['notify-authority', true, 'as recommended by the assessment'],
        ['notify-data-subjects', false, 'as recommended by the assessment'],
      ],
    );

    await assert.rejects(
      recordDecision(
        register,
        'inc-1',
        { notifyAuthority: false, notifyDataSubjects: false, reason: '  ' },
        DPO,
      ),
      /differs from the recommendation \(notify the AP: yes, notify the people: no\): give the justification with --reason/,
    );
    const departs = await recordDecision(
      register,
      'inc-1',
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
  });

  it('refuses to tell the people without telling the AP', async () => {
    const register = new FakeRegister();
    await recordAssessment(register, 'inc-1', FACTS, DPO);
    await assert.rejects(
      recordDecision(
        register,
        'inc-1',
        { notifyAuthority: false, notifyDataSubjects: true, reason: 'x' },
        DPO,
      ),
      /without notifying the AP is not possible/,
    );
  });
});
