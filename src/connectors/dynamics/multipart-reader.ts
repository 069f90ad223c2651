/**
 * Reads a $batch response: multipart/mixed whose parts are application/http responses, or nested
 * multipart/mixed change-set responses. Written separately from the emulator's reader on purpose, so
 * one shared mistake cannot make both sides agree on something Dataverse would not send.
 */
export interface HttpPart {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

/** One entry per top-level part: a single response, or the responses of one change set. */
export function parseMultipart(contentType: string | null, text: string): HttpPart[][] | null {
  const boundary = boundaryOf(contentType);
  if (!boundary) return null;
  return split(text, boundary).map((part) => {
    const nested = boundaryOf(part.headers['content-type'] ?? null);
    if (nested) return split(part.content, nested).map((inner) => readHttpPart(inner.content, inner.headers));
    return [readHttpPart(part.content, part.headers)];
  });
}

function boundaryOf(contentType: string | null): string | null {
  const match = /multipart\/mixed\s*;\s*boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  return match ? match[2]! : null;
}

function split(text: string, boundary: string): Array<{ headers: Record<string, string>; content: string }> {
  const lines = text.split(/\r?\n/);
  const parts: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const delimiter = line.trimEnd();
    if (delimiter === `--${boundary}` || delimiter === `--${boundary}--`) {
      if (current) parts.push(current);
      if (delimiter.endsWith('--') && delimiter !== `--${boundary}`) break;
      current = [];
      continue;
    }
    current?.push(line);
  }
  return parts.map((partLines) => {
    const blank = partLines.indexOf('');
    const head = blank === -1 ? partLines : partLines.slice(0, blank);
    return { headers: headersOf(head), content: blank === -1 ? '' : partLines.slice(blank + 1).join('\n') };
  });
}

export function readHttpPart(content: string, partHeaders: Record<string, string>): HttpPart {
  const lines = content.split('\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const blank = lines.indexOf('', 1);
  const headers = headersOf(blank === -1 ? lines.slice(1) : lines.slice(1, blank));
  const body =
    blank === -1
      ? ''
      : lines
          .slice(blank + 1)
          .join('\n')
          .trim();
  return {
    status,
    headers,
    body,
    ...(partHeaders['content-id'] ? { contentId: partHeaders['content-id'] } : {}),
  };
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
