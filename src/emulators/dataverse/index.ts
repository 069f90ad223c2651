export type { FaultRates } from '../shared/faults.js';
export type { EmulatorAdmin } from './admin.js';
export { type DataverseEmulatorCliOptions, runDataverseEmulatorCli } from './cli.js';
export { type DataverseEmulator, type DataverseEmulatorOptions, startDataverseEmulator } from './emulator.js';
export type { RequestCounts, RequestLogEntry } from './request-log.js';
export type { ServiceProtectionLimits } from './service-protection.js';
