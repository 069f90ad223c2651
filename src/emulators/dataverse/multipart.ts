/**
 * Just enough of multipart/mixed (RFC 2046) and application/http for OData $batch: split a body on its
 * boundary, and read or write the HTTP message inside a part. Line ends are CRLF on the wire; LF is
 * accepted when reading.
 */
export interface MimePart {
  headers: Record<string, string>;
  content: string;
}

export interface HttpMessage {
  /** Request line (`PATCH /api/… HTTP/1.1`) or status line (`HTTP/1.1 204 No Content`). */
  startLine: string;
  headers: Record<string, string>;
  body: string;
}

export function boundaryOf(contentType: string | undefined): string | null {
  const match = /^multipart\/mixed\s*;.*boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  return match ? match[2]! : null;
}

export function splitParts(body: string, boundary: string): MimePart[] | null {
  const text = `\n${body.replace(/\r\n/g, '\n')}`;
  const pieces = text.split(`\n--${boundary}`);
  if (pieces.length < 2 || !pieces.at(-1)!.startsWith('--')) return null;
  return pieces.slice(1, -1).map((piece) => {
    const { headers, rest } = readHeaders(piece.replace(/^[ \t]*\n/, ''));
    return { headers, content: rest };
  });
}

export function readHttpMessage(content: string): HttpMessage {
  const lineEnd = content.indexOf('\n');
  const startLine = (lineEnd === -1 ? content : content.slice(0, lineEnd)).trim();
  const { headers, rest } = readHeaders(lineEnd === -1 ? '' : content.slice(lineEnd + 1));
  return { startLine, headers, body: rest.replace(/\n+$/, '') };
}

function readHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const end = text.indexOf('\n\n');
  const block = end === -1 ? text : text.slice(0, end);
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest: end === -1 ? '' : text.slice(end + 2) };
}

export function writeHttpPart(message: HttpMessage, partHeaders: Record<string, string> = {}): string {
  const head = Object.entries({
    'Content-Type': 'application/http',
    'Content-Transfer-Encoding': 'binary',
    ...partHeaders,
  }).map(([k, v]) => `${k}: ${v}`);
  const inner = Object.entries(message.headers).map(([k, v]) => `${k}: ${v}`);
  return [...head, '', message.startLine, ...inner, '', message.body].join('\r\n');
}

export function writeMultipart(boundary: string, parts: string[]): string {
  return `${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}--${boundary}--\r\n`;
}
