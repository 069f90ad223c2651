import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../clock.js';
import { parseAuthorizationHeader } from '../../connectors/mailplus/oauth1.js';

/**
 * What the emulator saw, for tests and benchmarks: counts per route and status, and the most recent
 * requests exactly as they arrived (method, path, query, OAuth parameters, body). Synthetic data only;
 * the log lives in memory and is capped.
 */
export interface RecordedRequest {
  at: number;
  method: string;
  /** The path as sent, including the base path. */
  path: string;
  /** The route with ids replaced, e.g. `PUT /contact/{externalId}`. */
  route: string;
  query: Array<[string, string]>;
  oauth: Record<string, string> | null;
  contentType: string | undefined;
  accept: string | undefined;
  body: string;
  /** 0 when no response was sent (timeout or reset faults). */
  status: number;
  fault?: string;
}

export interface RequestCounts {
  total: number;
  faults: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
}

const LOG_LIMIT = 1000;

export class RequestRecorder {
  readonly #clock: Clock;
  #log: RecordedRequest[] = [];
  #counts: RequestCounts = emptyCounts();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(req: IncomingMessage, url: URL, path: string) {
    const oauth = parseAuthorizationHeader(req.headers.authorization);
    const entry: RecordedRequest = {
      at: this.#clock.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      route: `${req.method ?? 'GET'} ${routeOf(path)}`,
      query: [...url.searchParams],
      oauth: oauth ? Object.fromEntries(oauth) : null,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      body: '',
      status: 0,
    };
    this.#counts.total += 1;
    this.#counts.byRoute[entry.route] = (this.#counts.byRoute[entry.route] ?? 0) + 1;
    this.#log.push(entry);
    if (this.#log.length > LOG_LIMIT) this.#log.shift();
    return {
      body: (text: string) => {
        entry.body = text;
      },
      finish: (status: number, fault?: string) => {
        entry.status = status;
        if (fault) {
          entry.fault = fault;
          this.#counts.faults += 1;
        }
        const key = String(status);
        this.#counts.byStatus[key] = (this.#counts.byStatus[key] ?? 0) + 1;
      },
    };
  }

  counts(): RequestCounts {
    return structuredClone(this.#counts);
  }

  log(): RecordedRequest[] {
    return this.#log.map((entry) => structuredClone(entry));
  }

  reset(): void {
    this.#log = [];
    this.#counts = emptyCounts();
  }
}

function emptyCounts(): RequestCounts {
  return { total: 0, faults: 0, byRoute: {}, byStatus: {} };
}

function routeOf(path: string): string {
  if (/^\/contact\/anonymize\/[^/]+$/.test(path)) return '/contact/anonymize/{externalId}';
  if (/^\/contact\/[^/]+$/.test(path) && path !== '/contact/list') return '/contact/{externalId}';
  return path;
}
