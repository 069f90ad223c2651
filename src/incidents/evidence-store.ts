import { createHash } from 'node:crypto';
import { open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';
import { INCIDENT_KEY_ID } from '../keys/system-keys.js';
import type { Store } from '../store/open-store.js';
import type { Actor, EvidenceRef, Incident, IncidentEventBody } from './incident-model.js';

/** The same key as the events: evidence survives every tenant's offboarding with the incident. */
/** Sealed under the register's own key, like its events. */
const EVIDENCE_KEY_ID = INCIDENT_KEY_ID;

export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

export interface EvidenceDeps {
  store: Store;
  keys: KeyRing;
  maxBytes: number;
  now(): number;
  get(id: string): Promise<Incident>;
  append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident>;
}

const nameContext = (incidentId: string, evidenceId: string) =>
  `koppel/incident-evidence-name/${incidentId}/${evidenceId}`;
const contentContext = (incidentId: string, evidenceId: string) =>
  `koppel/incident-evidence/${incidentId}/${evidenceId}`;

/**
 * Evidence files of an incident (screenshots, log extracts, ...): stored sealed, size-capped
 * (incidents.evidenceMaxBytes), listed by name, size and SHA-256 only. Each addition is an
 * `evidence-added` event in the history, so the register lists what was added, when and by whom.
 */
export class EvidenceStore {
  constructor(private readonly deps: EvidenceDeps) {}

  async add(incidentId: string, name: string, content: Uint8Array, actor: Actor): Promise<EvidenceRef> {
    const cleanName = name.replace(/[\\/]/g, '_').trim().slice(0, 200);
    if (cleanName === '') throw new EvidenceError('evidence name must not be empty');
    if (content.byteLength === 0) throw new EvidenceError(`evidence file "${cleanName}" is empty`);
    if (content.byteLength > this.deps.maxBytes)
      throw new EvidenceError(
        `evidence file "${cleanName}" is ${content.byteLength} bytes; the limit is ${this.deps.maxBytes} bytes (incidents.evidenceMaxBytes)`,
      );
    const incident = await this.deps.get(incidentId);
    if (incident.state === 'closed')
      throw new EvidenceError(
        `refused: incident ${incidentId} is closed; new evidence belongs in a new incident`,
      );
    const sha256 = createHash('sha256').update(content).digest('hex');
    const id = `EV-${sha256.slice(0, 12)}-${incident.evidence.length + 1}`;
    const key = await this.deps.keys.current(EVIDENCE_KEY_ID);
    await this.deps.store.db
      .insertInto('incident_evidence')
      .values({
        id,
        incident_id: incidentId,
        name: seal(key.key, Buffer.from(cleanName), nameContext(incidentId, id)),
        content: seal(key.key, content, contentContext(incidentId, id)),
        key_version: key.version,
        bytes: content.byteLength,
        sha256,
        added_at: this.deps.now(),
        added_by: actor.actor,
      })
      .execute();
    const after = await this.deps.append(
      incidentId,
      { type: 'evidence-added', evidence: { id, name: cleanName, bytes: content.byteLength, sha256 } },
      actor,
    );
    const ref = after.evidence.find((e) => e.id === id);
    if (!ref) throw new EvidenceError(`evidence ${id} was stored but is not in the history`);
    return ref;
  }

  async list(incidentId: string): Promise<EvidenceRef[]> {
    return (await this.deps.get(incidentId)).evidence;
  }

  /** The file itself, opened; its SHA-256 is checked against the recorded one. */
  async read(
    incidentId: string,
    evidenceId: string,
  ): Promise<{ name: string; content: Buffer; sha256: string }> {
    const row = await this.deps.store.db
      .selectFrom('incident_evidence')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('id', '=', evidenceId)
      .executeTakeFirst();
    if (!row) throw new EvidenceError(`incident ${incidentId} has no evidence "${evidenceId.slice(0, 40)}"`);
    const key = await this.deps.keys.version(EVIDENCE_KEY_ID, Number(row.key_version));
    const content = open(key.key, row.content, contentContext(incidentId, evidenceId));
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== row.sha256) throw new EvidenceError(`evidence ${evidenceId} does not match its SHA-256`);
    return {
      name: open(key.key, row.name, nameContext(incidentId, evidenceId)).toString('utf8'),
      content,
      sha256,
    };
  }
}
