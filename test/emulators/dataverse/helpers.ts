import { Agent, fetch } from 'undici';
import {
  type DataverseEmulator,
  type DataverseEmulatorOptions,
  startDataverseEmulator,
} from '../../../src/emulators/dataverse/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

export interface RawApi {
  emulator: DataverseEmulator;
  token: string;
  /** A request to the Web API (path relative to the base URL) with a valid token and the standard headers. */
  call(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<Reply>;
  /** Any request to the emulator's origin, without added headers. */
  raw(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<Reply>;
  close(): Promise<void>;
}

/** Talks to the emulator over real TLS with plain fetch, to pin its answers byte for byte. */
export async function startRawApi(options: DataverseEmulatorOptions = {}): Promise<RawApi> {
  const emulator = await startDataverseEmulator({ randomSeed: 5, ...options });
  const agent = new Agent({ connect: { ca: emulator.caCertificate } });
  const origin = new URL(emulator.baseUrl).origin;
  const raw: RawApi['raw'] = async (method, path, opts = {}) => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: opts.headers,
      body: opts.body,
      dispatcher: agent,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: emulator.clientId,
    client_secret: emulator.clientSecret,
    scope: `${origin}/.default`,
  });
  const token = String(
    (await raw('POST', new URL(emulator.tokenUrl).pathname, { body: form.toString() })).json().access_token,
  );
  const call: RawApi['call'] = (method, path, opts = {}) =>
    raw(method, `${new URL(emulator.baseUrl).pathname}${path}`, {
      body: opts.body,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        ...opts.headers,
      },
    });
  return {
    emulator,
    token,
    call,
    raw,
    close: async () => {
      await agent.close();
      await emulator.close();
    },
  };
}

export function errorOf(reply: Reply): { code: string; message: string } {
  return (reply.json() as { error: { code: string; message: string } }).error;
}
