/** Counters for progress output and the status API; ids and numbers only. */
export class SyncStats {
  dataverseRead = 0;
  mailplusRead = 0;
  echoesDropped = 0;
  enqueuedToMailplus = 0;
  enqueuedToDataverse = 0;
  writtenToMailplus = 0;
  writtenToDataverse = 0;
  removedFromMailplus = 0;
  /** Removals (anonymize, withdraw) enqueued for Mail+: the mass-removal guard counts them per round. */
  removalsEnqueued = 0;
  /** Removals held back by a mass-removal pause (each time one comes round again). */
  removalsHeld = 0;
  conflictsResolved = 0;
  deadLettered = 0;
  retried = 0;
  /** 429 answers the connectors got (each waited out or handed to the queue): for the run history. */
  rateLimited = 0;
  initialLoadDone = false;
  /** The most messages of a first load that waited for Mail+ at once (at the reader's page ends). */
  peakBacklog = 0;
  /** What the Dataverse reader is doing at length right now, if anything: for progress output. */
  loading: 'initial-load' | 'full-resync' | null = null;

  snapshot(): Record<string, number | boolean | string | null> {
    return { ...this } as unknown as Record<string, number | boolean | string | null>;
  }
}
