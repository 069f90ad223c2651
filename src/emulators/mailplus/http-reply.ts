import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How the emulator answers: JSON bodies, 204 without a body for successful writes, and errors as
 * `ErrorResponse{errorType, message}` in JSON or, when the client asks for it, XML (spotler.md §1.11).
 * The XML element names are an inference; the specification only names the fields.
 */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function errorReply(
  status: number,
  errorType: string,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return { status, body: { errorType, message }, headers };
}

export const noContent: Reply = { status: 204 };

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  if (isError(reply.body) && prefersXml(req)) {
    res.writeHead(reply.status, { 'content-type': 'application/xml' }).end(errorXml(reply.body));
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
}

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limitBytes = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isError(body: unknown): body is { errorType: string; message: string } {
  return typeof body === 'object' && body !== null && 'errorType' in body && 'message' in body;
}

function prefersXml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /\b(application|text)\/xml\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
}

function errorXml(body: { errorType: string; message: string }): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<errorResponse><errorType>${escapeXml(body.errorType)}</errorType>` +
    `<message>${escapeXml(body.message)}</message></errorResponse>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
