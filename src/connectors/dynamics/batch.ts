import type { Random } from '../../clock.js';
import { coerceError, type KoppelError, PermanentError, RetryableError } from '../../errors.js';
import { checkedId, conditionHeaders, type WriteOptions } from './contact-writer.js';
import type { DataverseHttp } from './dataverse-http.js';
import { JSON_BODY } from './dataverse-http.js';
import { errorFromResponse } from './dynamics-errors.js';
import { type HttpPart, parseMultipart } from './multipart-reader.js';

export const MAX_BATCH_OPERATIONS = 1000;

/** One write inside a $batch. */
export type BatchOperation =
  | { kind: 'upsert'; id: string; fields: Record<string, unknown>; options?: WriteOptions }
  | { kind: 'delete'; id: string; etag?: string }
  /**
   * An upsert addressed by an alternate key, e.g. koppel_mailinginteractions(koppel_key='ab12'):
   * created or updated by the key, so a repeated write leaves one row. Key values must be plain
   * (see keyedTarget): Dataverse cannot address a key holding / < > * % & : \ ? +.
   */
  | {
      kind: 'upsert-key';
      entitySet: string;
      key: Readonly<Record<string, string>>;
      fields: Record<string, unknown>;
    };

/** A plain operation, or a change set: operations that succeed or fail together. */
export type BatchItem = BatchOperation | { changeSet: BatchOperation[] };

export interface BatchOutcome {
  /** Position of the operation among all operations of the batch, change sets flattened. */
  index: number;
  ok: boolean;
  /** The operation's own HTTP status; 0 when it never ran. */
  status: number;
  executed: boolean;
  /** True for every operation of a change set that failed and was rolled back. */
  rolledBack?: boolean;
  entityId?: string;
  error?: KoppelError;
}

interface Planned {
  operation: BatchOperation;
  index: number;
  contentId: string;
}

/**
 * POST $batch with up to 1000 operations. Always resolves with one outcome per operation, in order:
 * a failed change set marks all of its operations, operations after a batch-ending failure are marked
 * not executed, and a batch that could not be sent at all marks every operation with that error.
 */
export async function executeBatch(
  http: DataverseHttp,
  items: readonly BatchItem[],
  options: { continueOnError?: boolean; random: Random },
): Promise<BatchOutcome[]> {
  const groups = plan(items);
  const total = groups.reduce((n, g) => n + g.ops.length, 0);
  if (total > MAX_BATCH_OPERATIONS) {
    throw new PermanentError(`A $batch holds at most ${MAX_BATCH_OPERATIONS} operations; got ${total}`);
  }
  const boundary = `batch_${options.random.uuid()}`;
  const body = writeBatch(http.baseUrl, boundary, groups, options.random);
  let parts: HttpPart[][];
  try {
    const response = await http.send({
      method: 'POST',
      url: '$batch',
      headers: {
        'Content-Type': `multipart/mixed; boundary=${boundary}`,
        ...(options.continueOnError === false ? {} : { Prefer: 'odata.continue-on-error' }),
      },
      body,
    });
    const parsed = parseMultipart(response.headers.get('content-type'), response.text);
    if (!parsed) throw errorFromResponse('POST', '/$batch', response.status, response.text, null);
    parts = parsed;
  } catch (thrown) {
    const error = asKoppelError(thrown);
    return groups.flatMap((g) =>
      g.ops.map((p) => ({ index: p.index, ok: false, status: 0, executed: false, error })),
    );
  }
  return groups.flatMap((group, i) => outcomesOf(group, parts[i]));
}

function plan(items: readonly BatchItem[]): Array<{ changeSet: boolean; ops: Planned[] }> {
  let index = 0;
  return items.map((item) => {
    const ops = 'changeSet' in item ? item.changeSet : [item];
    return {
      changeSet: 'changeSet' in item,
      ops: ops.map((operation) => {
        index++;
        return { operation, index: index - 1, contentId: String(index) };
      }),
    };
  });
}

function writeBatch(
  baseUrl: string,
  boundary: string,
  groups: ReturnType<typeof plan>,
  random: Random,
): string {
  const chunks: string[] = [];
  for (const group of groups) {
    if (!group.changeSet) {
      chunks.push(`--${boundary}\r\n${writeOperation(baseUrl, group.ops[0]!, false)}`);
      continue;
    }
    const inner = `changeset_${random.uuid()}`;
    const ops = group.ops.map((p) => `--${inner}\r\n${writeOperation(baseUrl, p, true)}`).join('');
    chunks.push(
      `--${boundary}\r\nContent-Type: multipart/mixed; boundary=${inner}\r\n\r\n${ops}--${inner}--\r\n`,
    );
  }
  return `${chunks.join('')}--${boundary}--\r\n`;
}

function writeOperation(baseUrl: string, planned: Planned, inChangeSet: boolean): string {
  const { operation } = planned;
  const target =
    operation.kind === 'upsert-key'
      ? `${baseUrl}${keyedTarget(operation.entitySet, operation.key)}`
      : `${baseUrl}contacts(${checkedId(operation.id)})`;
  const headers =
    operation.kind === 'upsert'
      ? { 'Content-Type': JSON_BODY, ...conditionHeaders(operation.options ?? {}) }
      : operation.kind === 'upsert-key'
        ? { 'Content-Type': JSON_BODY }
        : operation.etag
          ? { 'If-Match': operation.etag }
          : {};
  const writes = operation.kind !== 'delete';
  const lines = [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(inChangeSet ? [`Content-ID: ${planned.contentId}`] : []),
    '',
    `${writes ? 'PATCH' : 'DELETE'} ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    writes ? JSON.stringify(operation.fields) : '',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function outcomesOf(
  group: { changeSet: boolean; ops: Planned[] },
  parts: HttpPart[] | undefined,
): BatchOutcome[] {
  if (!parts) {
    const error = new RetryableError('Not executed: an earlier operation in the $batch failed', {
      service: 'dataverse',
    });
    return group.ops.map((p) => ({ index: p.index, ok: false, status: 0, executed: false, error }));
  }
  if (group.changeSet && parts.length === 1 && parts[0]!.status >= 400) {
    const error = partError(parts[0]!, 'POST');
    return group.ops.map((p) => ({
      index: p.index,
      ok: false,
      status: parts[0]!.status,
      executed: true,
      rolledBack: true,
      error,
    }));
  }
  return group.ops.map((p, i) => {
    const part = parts.find((candidate) => candidate.contentId === p.contentId) ?? parts[i];
    if (!part)
      return {
        index: p.index,
        ok: false,
        status: 0,
        executed: false,
        error: new RetryableError('No response for this operation'),
      };
    if (part.status < 400)
      return {
        index: p.index,
        ok: true,
        status: part.status,
        executed: true,
        entityId: part.headers['odata-entityid'],
      };
    const method = p.operation.kind === 'delete' ? 'DELETE' : 'PATCH';
    return { index: p.index, ok: false, status: part.status, executed: true, error: partError(part, method) };
  });
}

const NAME = /^[a-z_][a-z0-9_]*$/;
const KEY_VALUE = /^[A-Za-z0-9_.-]{1,450}$/;

/** `set(column='value',...)`; names and values are checked, as they go into the URL unescaped. */
export function keyedTarget(entitySet: string, key: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(key);
  if (
    !NAME.test(entitySet) ||
    pairs.length === 0 ||
    pairs.some(([k, v]) => !NAME.test(k) || !KEY_VALUE.test(v))
  )
    throw new PermanentError(
      `An alternate key of ${entitySet} must be plain names and values (letters, digits, _ . -)`,
      {
        service: 'dataverse',
      },
    );
  return `${entitySet}(${pairs.map(([k, v]) => `${k}='${v}'`).join(',')})`;
}

function partError(part: HttpPart, method: string): KoppelError {
  const retryAfter = part.headers['retry-after'] ? Number(part.headers['retry-after']) * 1000 : null;
  return errorFromResponse(method, '/$batch', part.status, part.body, retryAfter);
}

function asKoppelError(thrown: unknown): KoppelError {
  if (thrown instanceof PermanentError || thrown instanceof RetryableError) return thrown;
  return new RetryableError(coerceError(thrown).message, { service: 'dataverse' }, { cause: thrown });
}
