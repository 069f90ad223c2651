import { Agent, fetch } from 'undici';
import { signRequest } from '../../../src/connectors/mailplus/oauth1.js';
import type { MailplusEmulator } from '../../../src/emulators/mailplus/index.js';

/** Hand-made requests to the emulator, so tests see exact status codes, headers and bodies. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface RawOptions {
  body?: unknown;
  /** Overrides for the signing inputs, to forge bad requests. */
  sign?: { secret?: string; timestamp?: number; nonce?: string; token?: string };
  authorization?: string | null;
  accept?: string;
  basePath?: string;
  /** Sign for this path instead of the one sent, to forge a signature over another URL. */
  signedPath?: string;
}

let counter = 0;

export function rawClient(emulator: MailplusEmulator) {
  const dispatcher = new Agent({ connect: { ca: emulator.caCertificate } });
  async function request(method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
    const url = new URL(`${options.basePath ?? '/integrationservice-1.1.0'}${path}`, emulator.baseUrl);
    const base = options.basePath ?? '/integrationservice-1.1.0';
    const signed = signRequest({
      method,
      url: options.signedPath ? new URL(`${base}${options.signedPath}`, emulator.baseUrl) : url,
      consumerKey: emulator.consumerKey,
      consumerSecret: options.sign?.secret ?? emulator.consumerSecret,
      timestamp: options.sign?.timestamp ?? Math.floor(Date.now() / 1000),
      nonce: options.sign?.nonce ?? `raw-${process.pid}-${++counter}`,
      token: options.sign?.token === undefined ? undefined : { key: options.sign.token, secret: '' },
    });
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (options.authorization !== null) headers.authorization = options.authorization ?? signed.authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await fetch(url, { method, headers, body, dispatcher });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers as unknown as Headers,
      text,
      json: parse(text),
    };
  }
  return { request, close: () => dispatcher.close() };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
