import { hostname } from 'node:os';

/**
 * Who holds a lease: this machine, this process, and this start of it. Every lease token begins with
 * it, so a koppel restarted after a crash (SIGKILL, OOM, power) recognises the claims of the process
 * that died on the same machine and takes them back at once, instead of leaving their payloads waiting
 * for the whole lease (issue 16). Only claims of a process that is gone are taken: a live process's
 * claims (another worker on this machine) and other machines' claims wait for their lease as before,
 * so two live processes never hold one message.
 */
export interface LeaseOwner {
  host: string;
  pid: number;
  /** Random per start: a restarted process may get the dead one's pid (pid 1 in a container). */
  instance: string;
}

const SEPARATOR = '/';

export function currentLeaseOwner(instance: string): LeaseOwner {
  return { host: hostname(), pid: process.pid, instance };
}

/** The start of every token this owner's claims carry. */
export function leaseTokenPrefix(owner: LeaseOwner): string {
  return [encodeURIComponent(owner.host), owner.pid, encodeURIComponent(owner.instance), ''].join(SEPARATOR);
}

export function parseLeaseToken(token: string): LeaseOwner | undefined {
  const [host, pid, instance, rest] = token.split(SEPARATOR);
  if (host === undefined || instance === undefined || rest === undefined || !/^\d+$/.test(pid ?? ''))
    return undefined;
  return { host: decodeURIComponent(host), pid: Number(pid), instance: decodeURIComponent(instance) };
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a claim with this token belongs to a process of this machine that no longer runs: another
 * pid that is gone, or our own pid from an earlier start. Tokens of other machines, of live processes
 * and of this very start never are.
 */
export function isOrphanedLease(
  token: string,
  me: LeaseOwner,
  alive: (pid: number) => boolean = processAlive,
): boolean {
  const owner = parseLeaseToken(token);
  if (!owner || owner.host !== me.host) return false;
  if (owner.pid === me.pid) return owner.instance !== me.instance;
  return !alive(owner.pid);
}
