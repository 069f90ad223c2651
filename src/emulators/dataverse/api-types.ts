/** One Web API request as the handlers see it: already authenticated, path relative to /api/data/v9.2/. */
export interface ApiRequest {
  method: string;
  /** e.g. `contacts(9a5c…)`, undecoded. */
  path: string;
  /** The raw query string without the leading '?'. */
  query: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
}

/** Thrown inside handlers; becomes the `{"error":{"code","message"}}` body Dataverse sends. */
export class DataverseFault extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function faultResponse(fault: DataverseFault): ApiResponse {
  return {
    status: fault.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0', ...fault.headers },
    body: { error: { code: fault.code, message: fault.message } },
  };
}

export function parsePrefer(header: string | undefined): Map<string, string> {
  const prefs = new Map<string, string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) prefs.set(name.toLowerCase(), rest.join('=').replace(/^"|"$/g, ''));
  }
  return prefs;
}
