import { fetch as undiciFetch } from 'undici';
import type { Clock } from '../clock.js';
import type { HttpFetch } from '../connectors/http/bound-fetch.js';
import type { ApiService, Metrics } from './metrics.js';

/**
 * The connectors' HTTP seam with a meter in it: every call (API and token endpoint, retries each
 * counted) adds to the calls, 429s and latency of its service and tenant. The URL is never a label.
 */
export function instrumentedFetch(
  metrics: Metrics,
  clock: Clock,
  service: ApiService,
  tenant: string,
  inner: HttpFetch = undiciFetch,
): HttpFetch {
  return async (url, init) => {
    const started = clock.now();
    try {
      const response = await inner(url, init);
      metrics.apiCall(service, tenant, response.status, (clock.now() - started) / 1000);
      return response;
    } catch (error) {
      metrics.apiCall(service, tenant, null, (clock.now() - started) / 1000);
      throw error;
    }
  };
}
