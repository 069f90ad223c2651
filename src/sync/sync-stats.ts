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
  conflictsResolved = 0;
  deadLettered = 0;
  retried = 0;
  initialLoadDone = false;

  snapshot(): Record<string, number | boolean> {
    return { ...this } as unknown as Record<string, number | boolean>;
  }
}
