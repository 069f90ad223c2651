import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../helpers/stores.js';
import type { AdminClient } from '../server/admin-client.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';

const EXAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  'docs',
  'examples',
  'incident-facts',
  'guessable-export-url.json',
);

describe('admin API: incident assessment', () => {
  let api: TestAdminServer;
  let t: TestApp;
  let c: AdminClient;

  before(async () => {
    api = await startTestAdminServer({ dpos: ['fg'], tenants: { acme: 'Acme Test BV' } });
    t = api.t;
    c = await api.signIn('fg');
  });
  after(async () => {
    await api?.close();
  });

  it('assesses facts for the DPO without storing anything', async () => {
    const facts = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    const reply = await c.write('POST', '/api/incidents/assess', facts);
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json();
    assert.deepEqual(body.severity, { score: 2, level: 'medium' });
    assert.deepEqual([body.notifyAuthority, body.notifyDataSubjects], [true, false]);
    assert.ok(body.reasons.every((r: { code: string; nl: string; en: string }) => r.code && r.nl && r.en));
    assert.deepEqual(body.enisa, { method: 'ENISA 2013 v1.0', dpc: 1, ei: 1, cb: 1 });
  });

  it('answers 400 naming each bad field, in the same words as the CLI', async () => {
    const reply = await c.write('POST', '/api/incidents/assess', {
      confidentiality: 'leaked',
      integrity: 'none',
      availability: 'none',
      cause: 'accidental',
      data: ['name'],
      people: { size: 3 },
      identifiability: 'maximum',
      protection: { state: 'none' },
      recipient: { kind: 'none' },
      exfiltration: 'ruled-out',
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json().issues, [
      'confidentiality: must be one of none, exposed-no-evidence-of-access, known-recipients, unknown-recipients',
      'people: must be {count} or {min, max} (with optional vulnerable and categories)',
    ]);
  });

  it('records facts and the assessment on an incident, then the decision beside it', async () => {
    const actor = { actor: 'fg', role: 'dpo' as const, address: '127.0.0.1' };
    const { id } = await t.app.incidents.report(
      { title: 'Contact export reachable', tenants: ['acme'] },
      actor,
    );
    const facts = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

    const early = await c.write('POST', `/api/incidents/${id}/decision`, {
      notifyAuthority: true,
      notifyDataSubjects: false,
    });
    assert.equal(early.status, 400);
    assert.match(early.json().error, /has no assessment yet/);

    const recorded = await c.write('POST', `/api/incidents/${id}/facts`, facts);
    assert.equal(recorded.status, 200, recorded.text);
    assert.equal(recorded.json().notifyAuthority, true);
    const bad = await c.write('POST', `/api/incidents/${id}/facts`, { ...facts, people: { count: -1 } });
    assert.deepEqual(bad.json().issues, ['people.count: must be 0 or more']);
    assert.equal((await c.write('POST', '/api/incidents/nope/facts', facts)).status, 404);

    const refused = await c.write('POST', `/api/incidents/${id}/decision`, {
      notifyAuthority: false,
      notifyDataSubjects: false,
    });
    assert.equal(refused.status, 400);
    assert.match(refused.json().error, /differs from the recommendation.*justification/);
    const decided = await c.write('POST', `/api/incidents/${id}/decision`, {
      notifyAuthority: false,
      notifyDataSubjects: false,
      reason: 'the export held only business contact details that are public on the company websites',
    });
    assert.equal(decided.status, 200, decided.text);
    assert.equal(decided.json().followsRecommendation, false);

    const incident = await t.app.incidents.get(id);
    assert.deepEqual(
      incident.events
        .map((e) => e.body.type)
        .filter((type) => ['facts-recorded', 'assessed', 'decided'].includes(type)),
      ['facts-recorded', 'assessed', 'decided', 'decided'],
    );
    assert.deepEqual(
      incident.decisions.filter((d) => d.topic.startsWith('notify-')).map((d) => [d.topic, d.value, d.by]),
      [
        ['notify-authority', false, 'fg'],
        ['notify-data-subjects', false, 'fg'],
      ],
    );
  });

  it('is described in the OpenAPI document with the facts schema', async () => {
    const doc = (await c.send('GET', '/api/openapi.json')).json();
    const op = doc.paths['/api/incidents/assess'].post;
    const schema = op.requestBody.content['application/json'].schema;
    assert.ok(
      schema.properties.confidentiality && schema.properties.people,
      JSON.stringify(schema).slice(0, 200),
    );
  });
});
