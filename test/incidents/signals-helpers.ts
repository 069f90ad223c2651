import assert from 'node:assert/strict';
import type { Incident } from '../../src/incidents/incident-model.js';
import { type SignalRegister, SignalWatcher } from '../../src/incidents/signals/signal-watcher.js';
import type { TestApp } from '../helpers/stores.js';

export const MINUTE = 60_000;

/** The app's watcher over the real register, and the incidents a signal kind opened. */
export function watcherOf(t: TestApp, register: SignalRegister = t.app.incidents) {
  const watcher = new SignalWatcher({
    db: t.app.store.db,
    clock: t.clock,
    register,
    config: t.app.config.incidents.signals,
  });
  const of = async (kind: string) => (await t.app.incidents.list()).filter((i) => i.signal?.kind === kind);
  const all = () => t.app.incidents.list();
  return { watcher, of, all };
}

/** Exactly one incident of the kind, in state reported, whose signal fired `count` times. */
export function assertOne(incidents: Incident[], kind: string, count: number): Incident {
  assert.equal(incidents.length, 1, `one incident for ${kind}`);
  const incident = incidents[0]!;
  assert.equal(incident.state, 'reported');
  assert.equal(incident.signal?.kind, kind);
  assert.equal(incident.signal?.count, count);
  assert.equal(incident.reportedBy, 'koppel');
  return incident;
}

/**
 * The contract of every signal: the first occurrence opens one incident, a second within the hour
 * folds into it (count 2), one after the hour opens a new one; every event is handled once.
 */
export async function assertFolding(t: TestApp, kind: string, trigger: () => Promise<void>) {
  const { watcher, of } = watcherOf(t);
  await trigger();
  const first = await watcher.runDue();
  assert.equal(first.opened.length, 1, `${kind}: first occurrence opens an incident`);
  assertOne(await of(kind), kind, 1);
  assert.deepEqual(await watcher.runDue(), { handled: 0, opened: [], folded: 0 }, 'nothing handled twice');
  t.clock.advance(20 * MINUTE);
  await trigger();
  const second = await watcher.runDue();
  assert.equal(second.opened.length, 0, `${kind}: a second within the hour opens none`);
  assert.ok(second.folded >= 1);
  assertOne(await of(kind), kind, 2);
  t.clock.advance(61 * MINUTE);
  await trigger();
  await watcher.runDue();
  const all = await of(kind);
  assert.equal(all.length, 2, `${kind}: one after the hour opens a new incident`);
  assert.equal(all[1]!.signal?.count, 1);
  const unhandled = await t.app.store.db
    .selectFrom('security_events')
    .select('id')
    .where('handled_at', 'is', null)
    .execute();
  assert.equal(unhandled.length, 0, 'every event handled');
  return all;
}
