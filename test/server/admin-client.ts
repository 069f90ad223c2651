import { Agent, request } from 'node:https';
import { Secret, TOTP, URI } from 'otpauth';
import type { ManualClock } from '../../src/clock.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  json(): any;
}

/**
 * An HTTPS client of the admin server that trusts only its certificate and keeps the session cookie,
 * like a browser would. Every answer's text is kept in `seen`, so a test can search all of them.
 */
export class AdminClient {
  readonly #agent: Agent;
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(
    readonly url: string,
    ca: string,
    readonly seen: string[] = [],
    localAddress?: string,
  ) {
    // node:https, not undici: undici's connector does not pass a local (source) address on.
    this.#agent = new Agent({ ca, localAddress, keepAlive: true });
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie) all.cookie = this.cookie;
    if (body !== undefined) all['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // Node frames a DELETE body only with a length (it sends no chunked encoding for DELETE).
    if (payload !== undefined) all['content-length'] = String(Buffer.byteLength(payload));
    const response = await new Promise<{ statusCode: number; headers: Reply['headers']; text: string }>(
      (resolve, reject) => {
        const req = request(`${this.url}${path}`, { method, agent: this.#agent, headers: all }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end(payload);
      },
    );
    const text = response.text;
    this.seen.push(text);
    const setCookie = response.headers['set-cookie'];
    const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    if (first) this.cookie = first.split(';')[0];
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: () => JSON.parse(text),
    };
  }

  /** A state-changing request with the session's CSRF token. */
  write(method: string, path: string, body?: unknown): Promise<Reply> {
    return this.send(method, path, body, this.csrf ? { 'x-csrf-token': this.csrf } : {});
  }

  async login(username: string, password: string, code: string): Promise<Reply> {
    const reply = await this.send('POST', '/api/session', { username, password, code });
    const csrf = reply.headers['x-csrf-token'];
    if (typeof csrf === 'string') this.csrf = csrf;
    return reply;
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }
}

/** The code an authenticator app shows at the manual clock's time, from the enrolment's otpauth URI. */
export function codeAt(uri: string, clock: ManualClock): string {
  const parsed = URI.parse(uri) as TOTP;
  return new TOTP({
    secret: Secret.fromBase32(parsed.secret.base32),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate({
    timestamp: clock.now(),
  });
}
