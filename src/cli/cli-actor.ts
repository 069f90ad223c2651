import { userInfo } from 'node:os';

/** Who acts from the shell: the machine's user, for the audit log. */
export function cliActor(): { actor: string; address: string } {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container's arbitrary uid): the audit entry still says it came from the shell.
  }
  return { actor: `cli:${user}`, address: 'cli' };
}
