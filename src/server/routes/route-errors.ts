import { ConfigError } from '../../errors.js';
import { EscalationError } from '../../incidents/escalation.js';
import { TenantError } from '../../tenants/tenant-store.js';

/**
 * Errors that are the answer (an unknown tenant or incident, a field-named validation problem, a
 * refused step) become 400 with their message, an unknown incident 404; anything else is an internal error.
 */
export async function answerOr400<T>(
  reply: { code(n: number): { send(b: unknown): unknown } },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if ((error as Error | undefined)?.constructor?.name === 'IncidentNotFoundError')
      return reply.code(404).send({ error: (error as Error).message }) as never;
    if (error instanceof ConfigError)
      // The issues one by one too, so a form can show each beside the field it names.
      return reply.code(400).send({ error: error.issues.join('; '), issues: error.issues }) as never;
    if (isAnswer(error)) return reply.code(400).send({ error: (error as Error).message }) as never;
    throw error;
  }
}

function isAnswer(error: unknown): boolean {
  if (error instanceof TenantError || error instanceof EscalationError) return true;
  // The register's errors (IncidentNotFoundError, WorkflowError) are named, not imported here.
  const name = (error as Error | undefined)?.constructor?.name ?? '';
  return /^(IncidentNotFoundError|WorkflowError|Error)$/.test(name) && error instanceof Error;
}
