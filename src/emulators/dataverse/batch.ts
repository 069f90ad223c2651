import { type ApiRequest, type ApiResponse, DataverseFault, faultResponse } from './api-types.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import {
  boundaryOf,
  type HttpMessage,
  type MimePart,
  readHttpMessage,
  splitParts,
  writeHttpPart,
  writeMultipart,
} from './multipart.js';
import { readPreferences } from './query-options.js';
import { handleApiRequest } from './web-api.js';

export const MAX_BATCH_REQUESTS = 1000;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  500: 'Internal Server Error',
};

type Outcome = { part: string; failed: ApiResponse | null };

/**
 * POST $batch: runs the parts in order. A change set is atomic: its parts share one store transaction
 * and the first failure undoes them all and answers for the whole set. Without
 * `Prefer: odata.continue-on-error` the first failure ends the batch and becomes its status.
 */
export function handleBatch(req: ApiRequest, ctx: EmulatorContext, newBoundary: () => string): ApiResponse {
  try {
    const parts = readBatch(req);
    const continueOnError = readPreferences(req.headers.prefer).continueOnError;
    const contentIds = new Map<string, string>();
    const written: string[] = [];
    let status = 200;
    for (const part of parts) {
      const outcome = isChangeSet(part)
        ? runChangeSet(part, ctx, contentIds, newBoundary)
        : runSingle(part, ctx, contentIds);
      written.push(outcome.part);
      if (outcome.failed && !continueOnError) {
        status = outcome.failed.status;
        break;
      }
    }
    const boundary = `batchresponse_${newBoundary()}`;
    return {
      status,
      headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}`, 'OData-Version': '4.0' },
      body: writeMultipart(boundary, written),
    };
  } catch (error) {
    return faultResponse(error instanceof DataverseFault ? error : faults.unexpected());
  }
}

function readBatch(req: ApiRequest): MimePart[] {
  const boundary = boundaryOf(req.headers['content-type']);
  const parts = boundary ? splitParts(req.body, boundary) : null;
  if (!parts)
    throw new DataverseFault(
      400,
      '0x0',
      'The batch request must have a "Content-Type" header of multipart/mixed with a boundary.',
    );
  const count = parts.reduce((n, part) => n + (isChangeSet(part) ? changeSetParts(part).length : 1), 0);
  if (count > MAX_BATCH_REQUESTS) throw faults.batchTooLarge(MAX_BATCH_REQUESTS);
  return parts;
}

function isChangeSet(part: MimePart): boolean {
  return /^multipart\/mixed/i.test(part.headers['content-type'] ?? '');
}

function changeSetParts(part: MimePart): MimePart[] {
  const boundary = boundaryOf(part.headers['content-type']);
  const parts = boundary ? splitParts(part.content, boundary) : null;
  if (!parts) throw faults.querySyntax();
  return parts;
}

function runSingle(part: MimePart, ctx: EmulatorContext, contentIds: Map<string, string>): Outcome {
  const contentId = part.headers['content-id'];
  const response = execute(part, ctx, contentIds);
  return { part: responsePart(response, contentId), failed: response.status >= 400 ? response : null };
}

class ChangeSetFailure extends Error {
  constructor(
    readonly part: string,
    readonly response: ApiResponse,
  ) {
    super('change set failed');
  }
}

function runChangeSet(
  part: MimePart,
  ctx: EmulatorContext,
  contentIds: Map<string, string>,
  newBoundary: () => string,
): Outcome {
  const inner = changeSetParts(part);
  try {
    const written = ctx.store.transaction(() =>
      inner.map((p) => {
        const contentId = p.headers['content-id'];
        const response = readHttpMessage(p.content).startLine.startsWith('GET ')
          ? faultResponse(faults.getInChangeSet())
          : execute(p, ctx, contentIds);
        if (response.status >= 400) throw new ChangeSetFailure(responsePart(response, contentId), response);
        return responsePart(response, contentId);
      }),
    );
    const boundary = `changesetresponse_${newBoundary()}`;
    return {
      part: `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${writeMultipart(boundary, written)}`,
      failed: null,
    };
  } catch (error) {
    if (error instanceof ChangeSetFailure) return { part: error.part, failed: error.response };
    throw error;
  }
}

function execute(part: MimePart, ctx: EmulatorContext, contentIds: Map<string, string>): ApiResponse {
  const message = readHttpMessage(part.content);
  const [method = '', target = ''] = message.startLine.split(' ');
  let resolved: string;
  try {
    resolved = resolveTarget(target, ctx.apiBase, contentIds);
  } catch (error) {
    return faultResponse(error instanceof DataverseFault ? error : faults.unexpected());
  }
  const [path = '', query = ''] = resolved.split('?');
  const response = handleApiRequest(
    { method, path, query, headers: message.headers, body: message.body },
    ctx,
  );
  const contentId = part.headers['content-id'];
  const entityId = response.headers['OData-EntityId'];
  if (contentId && entityId) contentIds.set(contentId, entityId.slice(ctx.apiBase.length));
  return response;
}

/** Turns an absolute URL, a /api/data/v9.2/ path, a relative path or a `$n` reference into an API path. */
function resolveTarget(target: string, apiBase: string, contentIds: Map<string, string>): string {
  const reference = /^\$(\w+)(.*)$/.exec(target);
  if (reference) {
    const path = contentIds.get(reference[1]!);
    if (!path) throw faults.contentIdMissing(`$${reference[1]}`);
    return `${path}${reference[2]}`;
  }
  const apiPath = new URL(apiBase).pathname;
  const path = /^https?:\/\//.test(target) ? target.slice(new URL(target).origin.length) : target;
  return path.startsWith(apiPath) ? path.slice(apiPath.length) : path.replace(/^\//, '');
}

function responsePart(response: ApiResponse, contentId: string | undefined): string {
  const message: HttpMessage = {
    startLine: `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd(),
    headers: response.headers,
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
  return writeHttpPart(message, contentId ? { 'Content-ID': contentId } : {});
}
