import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import type { KoppelConfig } from '../../src/config/config-schema.js';
import { createLogger, type Logger } from '../../src/log/logger.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  json(): any;
}

/** A real HTTPS request that trusts only `ca` (the listener's own certificate), as a pinning client would. */
export async function get(url: string, ca: string): Promise<Answer> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const response = await request(url, { dispatcher });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) };
  } finally {
    await dispatcher.close();
  }
}

/** Plain HTTP to the TLS port: resolves with the status code if one ever came back, or the error code. */
export function plainHttp(httpsUrl: string): Promise<{ status?: number; error?: string }> {
  const url = httpsUrl.replace(/^https:/, 'http:');
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/health`, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** The configuration with the status listener on any free loopback port. */
export function onAnyPort(config: KoppelConfig, status: Partial<KoppelConfig['status']> = {}): KoppelConfig {
  return { ...config, status: { ...config.status, port: 0, ...status } };
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    log: createLogger('info', stream),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
