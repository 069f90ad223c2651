import type { Fault, FaultInjector, FaultRates } from '../shared/faults.js';
import { type ApiResponse, DataverseFault, faultResponse } from './api-types.js';
import type { ContactColumns } from './contact-schema.js';
import { contactKey } from './contacts-write.js';
import { faults } from './dataverse-errors.js';
import { readPayload } from './payload.js';
import type { RequestCounts, RequestLog, RequestLogEntry } from './request-log.js';
import { seedContacts } from './seed.js';
import type { ServiceProtection, ServiceProtectionLimits } from './service-protection.js';
import type { DataverseStore, ListRecord, Row } from './store.js';
import type { UpdateFault, UpdateFaults } from './update-faults.js';

/**
 * Drives the emulated organisation from outside the Web API: seed people, change contacts as a CRM user
 * would (so they show up in deltas), manage marketing lists, set faults and limits, read counters.
 * The same operations are served over HTTP under /_emulator/ for a standalone emulator.
 */
export class EmulatorAdmin {
  constructor(
    private readonly store: DataverseStore,
    private readonly faultInjector: FaultInjector,
    private readonly protection: ServiceProtection,
    private readonly log: RequestLog,
    private readonly seed: number,
    private readonly updateFaults: UpdateFaults,
    private readonly columns: ContactColumns,
  ) {}

  seedContacts(count: number): string[] {
    return seedContacts(this.store, count, this.seed);
  }

  /**
   * Fields are validated like a Web API body (custom columns included), so
   * `parentcustomerid_account@odata.bind` works too.
   */
  createContact(fields: Row): string {
    const values = readPayload(JSON.stringify(fields), this.store, this.columns);
    const id = typeof values.contactid === 'string' ? values.contactid : this.store.newId();
    this.store.put(id, { statecode: 0, statuscode: 1, donotbulkemail: false, ...values });
    return id;
  }

  updateContact(id: string, fields: Row): void {
    if (!this.store.contacts.has(id)) throw faults.notFound('contact', id);
    this.store.put(id, readPayload(JSON.stringify(fields), this.store, this.columns));
  }

  deleteContact(id: string): boolean {
    return this.store.delete(id);
  }

  getContact(id: string): Row | undefined {
    const row = this.store.contacts.get(id);
    return row ? { ...row } : undefined;
  }

  listContacts(): Row[] {
    return [...this.store.contacts.values()].map((row) => ({ ...row }));
  }

  createList(name: string): ListRecord {
    return this.store.addList(name);
  }

  addListMembers(listId: string, contactIds: readonly string[]): void {
    const members = this.store.members.get(listId);
    if (!members) throw faults.notFound('list', listId);
    for (const id of contactIds) members.add(id);
  }

  /** As RemoveMemberList does; a contact taken off a list shows in no contact change feed. */
  removeListMembers(listId: string, contactIds: readonly string[]): void {
    const members = this.store.members.get(listId);
    if (!members) throw faults.notFound('list', listId);
    for (const id of contactIds) members.delete(id);
  }

  /** A campaign (what a campaign response is regarding); returns its id. */
  createCampaign(name: string): string {
    const id = this.store.newId();
    this.store.campaigns.set(id, name);
    return id;
  }

  /** The rows of an activity table (koppel_mailinginteractions, campaignresponses), one per key. */
  activities(entitySet = 'koppel_mailinginteractions'): Row[] {
    return [...this.store.activityRows(entitySet).values()].map((row) => ({ ...row }));
  }

  setFaults(rates: FaultRates): void {
    this.faultInjector.setRates(rates);
  }

  /** Faults for the next Web API requests, in order, before any random draw. */
  injectFaults(...faults: Fault[]): void {
    this.faultInjector.inject(...faults);
  }

  /**
   * The next `times` Web API updates of `id` fail with `fault` (every one by default), alone or inside
   * a $batch, where the other operations still run. Admin edits are not affected.
   */
  failUpdates(id: string, fault: UpdateFault, times?: number): void {
    this.updateFaults.script(id, fault, times);
  }

  setLimits(limits: ServiceProtectionLimits): void {
    this.protection.setLimits(limits);
  }

  requestCounts(): RequestCounts {
    return this.log.counts();
  }

  requestLog(): RequestLogEntry[] {
    return this.log.entries();
  }

  resetRequestLog(): void {
    this.log.reset();
  }

  /** The /_emulator/ HTTP endpoint; `authorized` is decided by the server (the client secret). */
  handleHttp(method: string, path: string, body: string, authorized: boolean): ApiResponse {
    if (!authorized) return json(401, { error: 'the x-emulator-key header must carry the client secret' });
    try {
      return this.#route(
        method,
        path.replace(/^\/_emulator\/?/, '').split('/'),
        body ? JSON.parse(body) : {},
      );
    } catch (error) {
      if (error instanceof DataverseFault) return faultResponse(error);
      return json(400, { error: error instanceof Error ? error.message : 'invalid request' });
    }
  }

  #route(method: string, [resource = '', id, sub]: string[], input: Record<string, unknown>): ApiResponse {
    const route = `${method} ${resource}${id ? '/:id' : ''}${sub ? `/${sub}` : ''}`;
    switch (route) {
      case 'POST seed':
        return json(200, { created: this.seedContacts(Number(input.count ?? 0)).length });
      case 'GET contacts':
        return json(200, { value: this.listContacts() });
      case 'POST contacts':
        return json(201, { contactid: this.createContact(input) });
      case 'PATCH contacts/:id':
        this.updateContact(contactKey(id!), input);
        return json(204, undefined);
      case 'DELETE contacts/:id':
        return json(this.deleteContact(contactKey(id!)) ? 204 : 404, undefined);
      case 'POST lists':
        return json(201, this.createList(String(input.listname ?? 'List')));
      case 'POST lists/:id/members':
        this.addListMembers(contactKey(id!), (input.contactIds as string[] | undefined) ?? []);
        return json(204, undefined);
      case 'PUT faults':
        this.setFaults(input as FaultRates);
        return json(204, undefined);
      case 'PUT limits':
        this.setLimits(input as ServiceProtectionLimits);
        return json(204, undefined);
      case 'GET stats':
        return json(200, this.requestCounts());
      default:
        return json(404, { error: `no admin route ${route}` });
    }
  }
}

function json(status: number, body: unknown): ApiResponse {
  return {
    status,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
    body,
  };
}
