import type { App } from '../../app.js';
import type { ControllerDetails } from './document-context.js';
import type { DocumentSources } from './export-incident-document.js';

/**
 * Where the documents' inputs come from in a running koppel: the register, the tenant store, the
 * configuration and the clock. `controllerDetails` is the customer's own record (legal name, address,
 * KvK, privacy contact) from `koppel tenant contacts`; until that store is part of the app it gives
 * none, and the documents show those answers as missing.
 */
export function documentSourcesFor(
  app: App,
  controllerDetails: (tenantId: string) => Promise<ControllerDetails | null> = async () => null,
): DocumentSources {
  return {
    incidents: {
      get: (id) => app.incidents.get(id),
      list: () => app.incidents.list(),
      clocks: (incident) => app.incidents.clocks(incident),
    },
    // A customer that has left keeps its id in the register; its name may be gone with its row.
    tenantName: async (id) => (await app.tenants.get(id).catch(() => null))?.name ?? id,
    controllerDetails,
    processor: app.config.processor,
    now: () => app.clock.now(),
  };
}
