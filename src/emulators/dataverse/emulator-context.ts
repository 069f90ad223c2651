import type { Clock } from '../../clock.js';
import type { ContactColumns } from './contact-schema.js';
import type { DataverseStore } from './store.js';
import type { UpdateFaults } from './update-faults.js';

/** What the Web API handlers share: the organisation's data, time, and where the API lives. */
export interface EmulatorContext {
  store: DataverseStore;
  /** This organisation's contact table: the standard columns and its custom ones. */
  columns: ContactColumns;
  clock: Clock;
  /** `https://127.0.0.1:<port>/api/data/v9.2/`, the prefix of every link the emulator writes. */
  apiBase: string;
  changeTokenLifetimeMs: number;
  /** What WhoAmI answers: the application user and its organisation. */
  identity: { UserId: string; BusinessUnitId: string; OrganizationId: string };
  /** Updates a test has scripted to fail (a plug-in refusing, a transient error). */
  updateFaults: UpdateFaults;
  /** Whether koppel's interactions solution is installed (its activity table and alternate keys). */
  activityTables: boolean;
}
