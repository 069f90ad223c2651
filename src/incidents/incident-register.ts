import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { AuditInput, AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { open, seal } from '../keys/envelope.js';
import type { DataKey, KeyRing } from '../keys/key-ring.js';
import { INCIDENT_KEY_ID } from '../keys/system-keys.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open-store.js';
import type { Database } from '../store/schema.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { deriveIncident } from './derive-incident.js';
import { EvidenceStore } from './evidence-store.js';
import {
  formatAmsterdam,
  type IncidentClocks,
  incidentClocks,
  unexplainedMissed,
} from './incident-clocks.js';
import {
  type Actor,
  INCIDENT_STATES,
  type Incident,
  type IncidentEvent,
  type IncidentEventBody,
  type IncidentState,
  type MailOutbox,
  type SignalRef,
  SYSTEM_ACTOR,
} from './incident-model.js';
import { type AdvanceInput, checkTransition, WorkflowError } from './workflow.js';

/**
 * The key ring entry that seals incident events and evidence. Tenant ids start with a letter or digit,
 * so this one cannot be a tenant's (like `_admins`); it survives every tenant's offboarding.
 */
export { INCIDENT_KEY_ID };

export class IncidentNotFoundError extends Error {
  constructor(id: string) {
    super(`no incident "${id.slice(0, 80)}" (see \`koppel incidents list\`)`);
    this.name = 'IncidentNotFoundError';
  }
}

/** Bad input to the register (an empty title, an unknown tenant, ...): the message names the field. */
export class IncidentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentInputError';
  }
}

export interface ReportInput {
  title: string;
  summary?: string;
  tenants: string[];
  detectedAt?: number;
  operatorIsController?: boolean;
  signal?: SignalRef | null;
}

/** A new incident, and whether the DPO was e-mailed about it (and why not). */
export type ReportedIncident = Incident & { dpoNotified: boolean; dpoNotifiedWhy?: string };

export interface IncidentFilter {
  open?: boolean;
  state?: IncidentState;
}

export interface IncidentRegisterDeps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  config: KoppelConfig;
  tenants: TenantStore;
  audit: AuditLog;
  outbox: MailOutbox;
  log: () => Logger;
  /** A tenant's own customer-notice promise in hours, lower than ours (tenant contacts); default none. */
  tenantHours?: (tenantId: string) => Promise<number | undefined>;
}

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

const reportSchema = z.object({
  title: text('title', 200),
  summary: z.string().trim().max(10_000, 'summary must be at most 10000 characters').default(''),
  tenants: z.array(z.string().min(1).max(64)).max(500),
  detectedAt: z.number().int().nonnegative().optional(),
  operatorIsController: z.boolean().default(false),
});

/** Free texts appended to an incident; `reported` and `transitioned` only come from report/advance. */
const FREE_TEXT_TYPES = new Set(['note', 'measure', 'lessons-learned']);

const eventContext = (id: string, seq: number) => `koppel/incident-event/${id}/${seq}`;

/** closedAt plus whole calendar years, in UTC. */
export function addYears(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/**
 * The breach (datalek) register, Art. 33(5) GDPR: every incident is an append-only history of events,
 * sealed at rest; its current state is derived from them (deriveIncident). Steps go through the
 * fixed workflow (workflow.ts); every change is audited; a new report e-mails the DPO at once.
 */
export class IncidentRegister {
  readonly evidence: EvidenceStore;

  constructor(private readonly deps: IncidentRegisterDeps) {
    this.evidence = new EvidenceStore({
      store: deps.store,
      keys: deps.keys,
      maxBytes: deps.config.incidents.evidenceMaxBytes,
      now: () => deps.clock.now(),
      get: (id) => this.get(id),
      append: (id, body, actor) => this.append(id, body, actor),
    });
  }

  async report(input: ReportInput, actor: Actor): Promise<ReportedIncident> {
    const parsed = reportSchema.safeParse(input);
    if (!parsed.success) throw new IncidentInputError(parsed.error.issues.map((i) => i.message).join('; '));
    const now = this.deps.clock.now();
    const tenants = [...new Set(parsed.data.tenants)];
    await this.#requireTenants(tenants);
    const detectedAt = parsed.data.detectedAt ?? now;
    if (detectedAt > now)
      throw new IncidentInputError(`detectedAt ${new Date(detectedAt).toISOString()} is in the future`);
    const body: IncidentEventBody = {
      type: 'reported',
      title: parsed.data.title,
      summary: parsed.data.summary,
      tenants,
      detectedAt,
      operatorIsController: parsed.data.operatorIsController,
      signal: input.signal ?? null,
    };
    // The key before the transaction: on SQLite the key ring would wait for the connection it holds.
    const key = await this.deps.keys.current(INCIDENT_KEY_ID);
    const id = await this.deps.store.writeTransaction(async (trx) => {
      await this.#lock(trx);
      const id = await this.#nextId(trx, now);
      await trx.insertInto('incidents').values({ id, state: 'reported', opened_at: now }).execute();
      await this.#insertEvent(trx, key, id, 1, now, actor, body);
      return id;
    });
    await this.#audit(actor, 'incident.report', id, 'ok', {
      tenants: tenants.length,
      signal: body.signal?.kind ?? null,
    });
    const alert = await this.#alertDpo(id, body, actor);
    const incident = await this.get(id);
    return alert.sent
      ? { ...incident, dpoNotified: true }
      : { ...incident, dpoNotified: false, dpoNotifiedWhy: alert.why };
  }

  async get(id: string): Promise<Incident> {
    return this.#load(this.deps.store.db, id);
  }

  async list(filter: IncidentFilter = {}): Promise<Incident[]> {
    let query = this.deps.store.db.selectFrom('incidents').select('id').orderBy('opened_at').orderBy('id');
    if (filter.open) query = query.where('state', '<>', 'closed');
    if (filter.state) query = query.where('state', '=', filter.state);
    const rows = await query.execute();
    const out: Incident[] = [];
    for (const row of rows) out.push(await this.get(row.id));
    return out;
  }

  /** Adds a fact, measure, note, notice attempt ... to the history. Not for a report or a step. */
  async append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident> {
    if (body.type === 'reported' || body.type === 'transitioned')
      throw new IncidentInputError(
        `an event of type ${body.type} is made by report() or advance(), not appended`,
      );
    if (FREE_TEXT_TYPES.has(body.type) && 'text' in body) {
      const checked = text('text', 10_000).safeParse(body.text);
      if (!checked.success)
        throw new IncidentInputError(checked.error.issues[0]?.message ?? 'text is invalid');
      body = { ...body, text: checked.data };
    }
    if (body.type === 'edited' && body.tenants) await this.#requireTenants(body.tenants);
    const now = this.deps.clock.now();
    const key = await this.deps.keys.current(INCIDENT_KEY_ID);
    const opened = await this.#openKeys(id);
    const seq = await this.deps.store.writeTransaction(async (trx) => {
      await this.#lock(trx);
      const incident = await this.#load(trx, id, opened);
      if (incident.state === 'closed')
        throw new WorkflowError(
          `refused: incident ${id} is closed; new facts about it belong in a new incident`,
          'closed',
        );
      const seq = incident.events.length + 1;
      await this.#insertEvent(trx, key, id, seq, now, actor, body);
      return seq;
    });
    await this.#audit(actor, `incident.${body.type}`, id, 'ok', { seq });
    return this.get(id);
  }

  /** One step of the workflow, refused with a WorkflowError naming why (workflow.ts). */
  async advance(id: string, to: IncidentState, input: AdvanceInput, actor: Actor): Promise<Incident> {
    if (!INCIDENT_STATES.includes(to))
      throw new IncidentInputError(
        `state "${String(to).slice(0, 40)}" is not one of ${INCIDENT_STATES.join(', ')}`,
      );
    const before = await this.get(id);
    const hours = await this.tenantHours(before.tenants);
    const now = this.deps.clock.now();
    const key = await this.deps.keys.current(INCIDENT_KEY_ID);
    const opened = await this.#openKeys(id);
    try {
      await this.deps.store.writeTransaction(async (trx) => {
        await this.#lock(trx);
        const incident = await this.#load(trx, id, opened);
        const clocks = incidentClocks(incident, this.deps.config, hours, now);
        const delayFor = checkTransition(
          incident,
          to,
          input,
          actor,
          now,
          unexplainedMissed(incident, clocks),
        );
        const body: IncidentEventBody = {
          type: 'transitioned',
          from: incident.state,
          to,
          reason: input.reason.trim(),
          ...(input.awareAt !== undefined ? { awareAt: input.awareAt } : {}),
          ...(input.delayReason?.trim() ? { delayReason: input.delayReason.trim() } : {}),
          ...(delayFor.length > 0 ? { delayFor } : {}),
        };
        await this.#insertEvent(trx, key, id, incident.events.length + 1, now, actor, body);
        const closed = to === 'closed';
        await trx
          .updateTable('incidents')
          .set({
            state: to,
            closed_at: closed ? now : null,
            purge_after: closed ? addYears(now, this.deps.config.incidents.retentionYears) : null,
          })
          .where('id', '=', id)
          .execute();
      });
    } catch (error) {
      if (error instanceof WorkflowError)
        await this.#audit(actor, 'incident.advance', id, 'refused', {
          from: before.state,
          to,
          code: error.code,
        });
      throw error;
    }
    await this.#audit(actor, 'incident.advance', id, 'ok', { from: before.state, to });
    return this.get(id);
  }

  /** The incident's clocks now, with each tenant's own promise where it has one. */
  async clocks(incident: Incident): Promise<IncidentClocks> {
    const hours = await this.tenantHours(incident.tenants);
    return incidentClocks(incident, this.deps.config, hours, this.deps.clock.now());
  }

  async tenantHours(tenants: readonly string[]): Promise<Record<string, number | undefined>> {
    const out: Record<string, number | undefined> = {};
    const lookup = this.deps.tenantHours;
    if (!lookup) return out;
    for (const tenantId of tenants) out[tenantId] = await lookup(tenantId).catch(() => undefined);
    return out;
  }

  /** Where the DPO's alerts go: notifications.dpoEmail, else processor.dpo.email. */
  dpoAddress(): string | undefined {
    return this.deps.config.notifications.dpoEmail ?? this.deps.config.processor.dpo?.email;
  }

  async #alertDpo(
    id: string,
    body: Extract<IncidentEventBody, { type: 'reported' }>,
    actor: Actor,
  ): Promise<{ sent: true } | { sent: false; why: string }> {
    const to = this.dpoAddress();
    const fail = async (why: string) => {
      this.deps.log().warn({ incidentId: id, why }, 'the DPO was not e-mailed about a new incident');
      await this.append(
        id,
        { type: 'note', text: `The DPO was not e-mailed about this report: ${why}` },
        SYSTEM_ACTOR,
      );
      return { sent: false as const, why };
    };
    if (!to) return fail('neither notifications.dpoEmail nor processor.dpo.email is set');
    const lines = [
      `A new incident was reported in the breach register: ${id}.`,
      '',
      `Title: ${body.title}`,
      body.summary ? `Summary: ${body.summary}` : '',
      `Customers involved: ${body.tenants.length > 0 ? body.tenants.join(', ') : 'none named yet'}`,
      `Detected: ${formatAmsterdam(body.detectedAt, 'en')}`,
      `Reported by: ${actor.actor}${body.signal ? ` (automatic signal ${body.signal.kind})` : ''}`,
      body.operatorIsController ? 'We are the controller ourselves: our own 72 hours for the AP apply.' : '',
      '',
      `Next step: triage. See: koppel incidents show ${id}`,
    ].filter((line, i, all) => line !== '' || all[i - 1] !== '');
    try {
      const mail = await this.deps.outbox.enqueue({
        to,
        subject: `[koppel] New incident ${id}: ${body.title}`,
        text: lines.join('\n'),
        kind: 'dpo-alert',
        incidentId: id,
      });
      await this.append(
        id,
        { type: 'note', text: `The DPO was e-mailed about this report (mail ${mail.id}).` },
        SYSTEM_ACTOR,
      );
      return { sent: true };
    } catch (error) {
      return fail(`the outbox refused the mail: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #requireTenants(tenants: readonly string[]): Promise<void> {
    const unknown: string[] = [];
    for (const tenantId of tenants) {
      const row = await this.deps.store.db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', tenantId)
        .executeTakeFirst();
      if (!row) unknown.push(tenantId.slice(0, 64));
    }
    if (unknown.length > 0)
      throw new IncidentInputError(
        `tenants: no tenant ${unknown.map((t) => `"${t}"`).join(', ')} (see \`koppel tenant list\`)`,
      );
  }

  /** One writer at a time on PostgreSQL (SQLite's write transaction already is one). */
  async #lock(trx: Kysely<Database>): Promise<void> {
    if (this.deps.store.dialect === 'postgres')
      await sql`SELECT pg_advisory_xact_lock(hashtext('koppel_incidents'))`.execute(trx);
  }

  /** INC-<year>-<nnnn>, numbered per calendar year (UTC). */
  async #nextId(trx: Kysely<Database>, now: number): Promise<string> {
    const year = new Date(now).getUTCFullYear();
    const prefix = `INC-${year}-`;
    const rows = await trx.selectFrom('incidents').select('id').where('id', 'like', `${prefix}%`).execute();
    const last = rows.reduce((max, r) => Math.max(max, Number(r.id.slice(prefix.length)) || 0), 0);
    return `${prefix}${String(last + 1).padStart(4, '0')}`;
  }

  async #insertEvent(
    trx: Kysely<Database>,
    key: DataKey,
    id: string,
    seq: number,
    at: number,
    actor: Actor,
    body: IncidentEventBody,
  ): Promise<void> {
    await trx
      .insertInto('incident_events')
      .values({
        incident_id: id,
        seq,
        at,
        actor: actor.actor,
        role: actor.role,
        address: actor.address,
        type: body.type,
        body: seal(key.key, Buffer.from(JSON.stringify(body)), eventContext(id, seq)),
        key_version: key.version,
      })
      .execute();
  }

  /**
   * The keys an incident's events were sealed with, opened outside a transaction: inside one, the key
   * ring's own queries would wait on SQLite for the connection the transaction holds.
   */
  async #openKeys(id: string): Promise<Map<number, Uint8Array>> {
    const rows = await this.deps.store.db
      .selectFrom('incident_events')
      .select('key_version')
      .distinct()
      .where('incident_id', '=', id)
      .execute();
    const keys = new Map<number, Uint8Array>();
    for (const row of rows) {
      const version = Number(row.key_version);
      keys.set(version, (await this.deps.keys.version(INCIDENT_KEY_ID, version)).key);
    }
    const current = await this.deps.keys.current(INCIDENT_KEY_ID);
    keys.set(current.version, current.key);
    return keys;
  }

  async #load(db: Kysely<Database>, id: string, opened?: Map<number, Uint8Array>): Promise<Incident> {
    const exists = await db.selectFrom('incidents').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw new IncidentNotFoundError(id);
    const rows = await db
      .selectFrom('incident_events')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('seq')
      .execute();
    const keys = opened ?? new Map<number, Uint8Array>();
    const events: IncidentEvent[] = [];
    for (const row of rows) {
      const version = Number(row.key_version);
      let key = keys.get(version);
      if (!key) {
        if (opened) throw new Error(`incident ${id} was changed by another process meanwhile: try again`);
        key = (await this.deps.keys.version(INCIDENT_KEY_ID, version)).key;
        keys.set(version, key);
      }
      const seq = Number(row.seq);
      const body = JSON.parse(
        open(key, row.body, eventContext(id, seq)).toString('utf8'),
      ) as IncidentEventBody;
      events.push({
        incidentId: id,
        seq,
        at: Number(row.at),
        actor: { actor: row.actor, role: row.role as Actor['role'], address: row.address },
        body,
      });
    }
    return deriveIncident(id, events);
  }

  async #audit(
    actor: Actor,
    action: string,
    target: string,
    result: AuditInput['result'],
    detail: AuditInput['detail'],
  ): Promise<void> {
    await this.deps.audit.append({
      actor: actor.actor,
      address: actor.address,
      action,
      target,
      result,
      detail,
    });
  }
}
