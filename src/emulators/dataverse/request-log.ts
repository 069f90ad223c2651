/** One Web API request as the emulator saw it; the path never includes the query (it may hold personal data). */
export interface RequestLogEntry {
  /** When the request arrived (before its body was read), so a test can tell when the client sent it. */
  at: number;
  method: string;
  path: string;
  status: number;
  /** Set when the answer was an injected fault rather than the real response. */
  fault?: string;
}

export interface RequestCounts {
  total: number;
  byStatus: Record<string, number>;
  faultsInjected: number;
  throttled: number;
}

const KEEP = 10_000;

/** Counts and a bounded log of Web API requests, for tests and the admin endpoint. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #counts: RequestCounts = emptyCounts();

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > KEEP) this.#entries.splice(0, this.#entries.length - KEEP);
    const c = this.#counts;
    c.total++;
    c.byStatus[String(entry.status)] = (c.byStatus[String(entry.status)] ?? 0) + 1;
    if (entry.fault) c.faultsInjected++;
    if (entry.status === 429 && !entry.fault) c.throttled++;
  }

  entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  counts(): RequestCounts {
    return structuredClone(this.#counts);
  }

  reset(): void {
    this.#entries = [];
    this.#counts = emptyCounts();
  }
}

function emptyCounts(): RequestCounts {
  return { total: 0, byStatus: {}, faultsInjected: 0, throttled: 0 };
}
