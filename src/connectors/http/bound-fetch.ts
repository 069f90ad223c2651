import { Agent, type Dispatcher, type RequestInit, type Response, fetch as undiciFetch } from 'undici';

/** The one seam for a connector's HTTP: its API calls and, for Dataverse, the token endpoint too. */
export type HttpFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface BoundFetch {
  fetch: HttpFetch;
  /** Closes the agent's sockets; a no-op when the system's roots are used. */
  close(): Promise<void>;
}

/**
 * undici's fetch bound to a dispatcher that trusts `caCertificate` when one is given (an emulator's
 * self-signed certificate), otherwise the system's roots. `inner` lets tests watch every request.
 */
export function createBoundFetch(caCertificate?: string, inner: HttpFetch = undiciFetch): BoundFetch {
  const agent: Dispatcher | undefined = caCertificate
    ? new Agent({ connect: { ca: caCertificate } })
    : undefined;
  return {
    fetch: (url, init) => inner(url, agent ? { ...init, dispatcher: agent } : init),
    close: async () => {
      await agent?.close();
    },
  };
}
