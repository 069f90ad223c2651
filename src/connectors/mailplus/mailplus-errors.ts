import { PermanentError, RateLimitedError, type RemoteDetail, RetryableError } from '../../errors.js';
import { type ErrorResponse, errorResponseSchema } from './mailplus-types.js';

/**
 * Turns Mail+ answers into koppel's error classes. MailPlus's own connector never retries 400, 401 and
 * 404 and retries everything else (spotler.md §1.11); 403 is treated like 401 because some clients see
 * it for bad credentials (§1.3). Messages never carry personal data: contacts are named by externalId
 * and the remote message is scrubbed of anything that looks like an e-mail address.
 */
const SERVICE = 'mailplus';

/** A global opt-out (unsubscribe package) blocked the write; retrying cannot help. */
export class MailplusOptOutError extends PermanentError {}

export function parseErrorBody(text: string): ErrorResponse | null {
  try {
    const parsed = errorResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const EMAIL_LIKE = /[^\s"'<>@]+@[^\s"'<>@]+/g;

/** Remote messages may echo submitted values; keep the text but drop anything shaped like an address. */
export function scrub(message: string): string {
  return message.replace(EMAIL_LIKE, '[redacted]').slice(0, 300);
}

export interface HttpFailure {
  operation: string;
  status: number;
  body: ErrorResponse | null;
  /** From Retry-After; null or absent when the service sent none (a 429 then backs off). */
  retryAfterMs?: number | null;
}

export function errorForResponse(failure: HttpFailure): PermanentError | RetryableError {
  const { status, body } = failure;
  const detail: RemoteDetail = { service: SERVICE, status, code: body?.errorType };
  const remote = body ? `: ${body.errorType} ${scrub(body.message)}` : '';
  const message = `Mail+ ${failure.operation} answered ${status}${remote}`;
  if (status === 429) return new RateLimitedError(message, failure.retryAfterMs ?? 0, detail);
  if (body?.errorType === 'CONTACT_OPTOUT') return new MailplusOptOutError(message, detail);
  if (status === 400 || status === 401 || status === 403 || status === 404) {
    return new PermanentError(message, detail);
  }
  return new RetryableError(message, detail);
}

export function errorForNetworkFailure(operation: string, cause: unknown): RetryableError {
  const reason =
    cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')
      ? 'timed out'
      : 'failed before an answer arrived';
  return new RetryableError(`Mail+ ${operation} ${reason}`, { service: SERVICE }, { cause });
}

/** Per-contact result codes of `POST /contact/list` as koppel errors; OK has no error. */
export function errorForContactCode(
  externalId: string,
  code: string,
  message: string | undefined,
): PermanentError | RetryableError {
  const detail: RemoteDetail = { service: SERVICE, code };
  const text = `Mail+ rejected contact ${externalId}: ${code}${message ? ` ${scrub(message)}` : ''}`;
  switch (code) {
    case 'CONTACT_OPTOUT':
      return new MailplusOptOutError(text, detail);
    case 'PROPERTY_INVALID':
    case 'CONTACT_ALREADY_EXISTS':
    case 'CONTACT_UNKNOWN':
    case 'NO_ACTIVE_CHANNEL':
      return new PermanentError(text, detail);
    default:
      // ERROR (and codes this version does not know) says nothing about the record itself: retry.
      return new RetryableError(text, detail);
  }
}
