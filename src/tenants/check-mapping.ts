import { OrgThrottleRegistry } from '../connectors/dynamics/org-throttle.js';
import { assertDefinitionMatchesSystems, type parseSyncDefinition } from '../sync/mapping/index.js';
import { dataverseClientFor, mailplusClientFor } from './connect.js';
import type { TenantSettings } from './tenant-settings.js';

/** Used by `koppel tenant mapping set` and the admin API's mapping routes alike. */
export /** Asks Mail+ for the account's properties and Dataverse for one contact's columns. */
async function checkAgainstSystems(
  settings: TenantSettings,
  def: ReturnType<typeof parseSyncDefinition>,
): Promise<void> {
  const mailplus = mailplusClientFor(settings.mailplus, { throttles: new OrgThrottleRegistry() });
  const dataverse = dataverseClientFor(settings.dataverse, { throttles: new OrgThrottleRegistry() });
  try {
    const mailplusProperties = await mailplus.listProperties();
    // Without $select Dataverse returns every column of the row, which names the table's columns.
    let dataverseColumns: string[] = [];
    for await (const page of dataverse.contacts({ select: [], pageSize: 1 })) {
      dataverseColumns = Object.keys(page[0] ?? {}).filter((k) => !k.includes('@'));
      break;
    }
    assertDefinitionMatchesSystems(def, { mailplusProperties, dataverseColumns });
  } finally {
    await mailplus.close();
    await dataverse.close();
  }
}
