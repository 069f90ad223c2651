import { ConfigError } from '../errors.js';

/** Which listener could not start: its config section (`server`, `status`) and what to call it. */
export interface Listener {
  section: string;
  name: string;
  host: string;
  port: number;
  /** The error for a taken port, so a caller can tell it apart (and carry on without the listener). */
  inUse: new (
    issues: readonly string[],
  ) => ConfigError;
}

/** A listen failure as an error that names the setting to change. */
export function listenError(error: NodeJS.ErrnoException, l: Listener): Error {
  const { section, host, port } = l;
  if (error.code === 'EADDRINUSE')
    return new l.inUse([
      `${section}.port: ${port} on ${host} is already in use; choose another port (0 = any free one) or set ${section}.enabled to false`,
    ]);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new ConfigError([
      `${section}.host: cannot listen on ${host} (${error.code}): not an address of this machine`,
    ]);
  if (error.code === 'EACCES')
    return new ConfigError([
      `${section}.port: not allowed to listen on port ${port} (EACCES); use a port above 1023`,
    ]);
  return new Error(`the ${l.name} cannot listen on ${host}:${port}: ${error.message}`, { cause: error });
}
