import assert from 'node:assert/strict';
import type { Clock } from '../../src/clock.js';
import type { Actor, Incident, IncidentEventBody, SignalRef } from '../../src/incidents/incident-model.js';
import { type SignalRegister, SignalWatcher } from '../../src/incidents/signals/signal-watcher.js';
import type { TestApp } from '../helpers/stores.js';

/**
 * The register as the signal watcher sees it, in memory: report opens an incident in state reported,
 * append adds to its history, and the signal's count and last time follow its signal-repeated events
 * (as the real register derives them). Until the real register is on main.
 */
export class FakeRegister implements SignalRegister {
  readonly incidents: Incident[] = [];
  /** How many times report was called (the real register e-mails the DPO each time). */
  reports = 0;

  constructor(private readonly clock: Clock) {}

  async report(
    input: {
      title: string;
      summary?: string;
      tenants: string[];
      detectedAt?: number;
      signal?: SignalRef | null;
    },
    actor: Actor,
  ): Promise<Incident> {
    this.reports++;
    const at = this.clock.now();
    const body: IncidentEventBody = {
      type: 'reported',
      title: input.title,
      summary: input.summary ?? '',
      tenants: input.tenants,
      detectedAt: input.detectedAt ?? at,
      operatorIsController: false,
      signal: input.signal ?? null,
    };
    const incident = {
      id: `inc-${this.incidents.length + 1}`,
      title: input.title,
      summary: input.summary ?? '',
      state: 'reported',
      tenants: input.tenants,
      reportedAt: at,
      reportedBy: actor.actor,
      detectedAt: body.detectedAt,
      awareAt: null,
      operatorIsController: false,
      signal: input.signal ? { ...input.signal } : null,
      events: [{ incidentId: `inc-${this.incidents.length + 1}`, seq: 1, at, actor, body }],
    } as unknown as Incident;
    this.incidents.push(incident);
    return incident;
  }

  async append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident> {
    const incident = this.incidents.find((i) => i.id === id);
    if (!incident) throw new Error(`no incident ${id}`);
    incident.events.push({
      incidentId: id,
      seq: incident.events.length + 1,
      at: this.clock.now(),
      actor,
      body,
    });
    if (body.type === 'signal-repeated' && incident.signal) {
      incident.signal.count++;
      incident.signal.lastAt = Math.max(incident.signal.lastAt, body.at);
    }
    return incident;
  }

  async list(filter: { open?: boolean } = {}): Promise<Incident[]> {
    return this.incidents.filter((i) => !filter.open || (i.state !== 'closed' && i.state !== 'not-a-breach'));
  }

  /** The incidents a signal of this kind opened. */
  of(kind: string): Incident[] {
    return this.incidents.filter((i) => i.signal?.kind === kind);
  }
}

export const MINUTE = 60_000;

export function watcherOf(t: TestApp) {
  const register = new FakeRegister(t.clock);
  const watcher = new SignalWatcher({
    db: t.app.store.db,
    clock: t.clock,
    register,
    config: t.app.config.incidents.signals,
  });
  return { register, watcher };
}

/** Exactly one incident of the kind, in state reported, whose signal fired `count` times. */
export function assertOne(incidents: Incident[], kind: string, count: number): Incident {
  assert.equal(incidents.length, 1, `one incident for ${kind}`);
  const incident = incidents[0]!;
  assert.equal(incident.state, 'reported');
  assert.equal(incident.signal?.kind, kind);
  assert.equal(incident.signal?.count, count);
  return incident;
}

/**
 * The contract of every signal: the first occurrence opens one incident, a second within the hour
 * folds into it (count 2), one after the hour opens a new one; every event is handled once.
 */
export async function assertFolding(
  t: TestApp,
  kind: string,
  trigger: () => Promise<void>,
): Promise<FakeRegister> {
  const { register, watcher } = watcherOf(t);
  await trigger();
  const first = await watcher.runDue();
  assert.equal(first.opened.length, 1, `${kind}: first occurrence opens an incident`);
  assertOne(register.of(kind), kind, 1);
  assert.deepEqual(await watcher.runDue(), { handled: 0, opened: [], folded: 0 }, 'nothing handled twice');
  t.clock.advance(20 * MINUTE);
  await trigger();
  const second = await watcher.runDue();
  assert.equal(second.opened.length, 0, `${kind}: a second within the hour opens none`);
  assert.ok(second.folded >= 1);
  assertOne(register.of(kind), kind, 2);
  t.clock.advance(61 * MINUTE);
  await trigger();
  await watcher.runDue();
  const all = register.of(kind);
  assert.equal(all.length, 2, `${kind}: one after the hour opens a new incident`);
  assert.equal(all[1]!.signal?.count, 1);
  const unhandled = await t.app.store.db
    .selectFrom('security_events')
    .select('id')
    .where('handled_at', 'is', null)
    .execute();
  assert.equal(unhandled.length, 0, 'every event handled');
  return register;
}
