import type { App } from '../../app.js';
import type { DocumentSources } from './export-incident-document.js';

/**
 * Where the documents' inputs come from in a running koppel: the register, the tenant store, the
 * customers' own controller details (`koppel tenant contacts`: legal name, address, KvK, privacy
 * contact), the configuration and the clock.
 */
export function documentSourcesFor(app: App): DocumentSources {
  return {
    incidents: {
      get: (id) => app.incidents.get(id),
      list: () => app.incidents.list(),
      clocks: (incident) => app.incidents.clocks(incident),
    },
    // A customer that has left keeps its id in the register; its name may be gone with its row.
    tenantName: async (id) => (await app.tenants.get(id).catch(() => null))?.name ?? id,
    // Not recorded yet (or unreadable): the documents show those answers as missing.
    controllerDetails: async (id) => (await app.tenantContacts.get(id).catch(() => null))?.controller ?? null,
    processor: app.config.processor,
    now: () => app.clock.now(),
  };
}
