/**
 * The TLS mode of a PostgreSQL connection, from `store.ssl` and the URL's `sslmode`. node-postgres
 * lets the URL's sslmode win over the ssl option without a word, so `?sslmode=disable` used to turn
 * off a configured "verify-full". Here the two must agree, and the one effective mode is what both the
 * connection and doctor use.
 */
export const SSL_MODES = ['disable', 'require', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface TlsIssue {
  path: 'url' | 'ssl';
  message: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;
// TLS parameters node-postgres would read from the URL behind koppel's back.
const URL_TLS_PARAMS = ['ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslcompat'];

/** The server's host as a connection would use it; a Unix socket path starts with "/". */
export function postgresHost(url: URL): string {
  return url.hostname || url.searchParams.get('host') || 'localhost';
}

/** True when the connection never leaves the machine (loopback address or Unix socket). */
export function isLocalPostgres(url: URL): boolean {
  const host = postgresHost(url);
  return host.startsWith('/') || LOOPBACK.test(host);
}

/**
 * The effective mode: store.ssl, else the URL's sslmode, else `require` for a server on another
 * machine (all traffic is encrypted in transit) and `disable` on this one.
 */
export function resolvePostgresTls(
  urlText: string,
  ssl: SslMode | undefined,
): { ssl: SslMode; issues: TlsIssue[] } {
  const fallback: SslMode = ssl ?? 'require';
  if (!URL.canParse(urlText)) return { ssl: fallback, issues: [] };
  const url = new URL(urlText);
  const issues: TlsIssue[] = URL_TLS_PARAMS.filter((p) => url.searchParams.has(p)).map((p) => ({
    path: 'url',
    message: `must not set ${p}: koppel sets TLS itself; use store.ssl (and store.caFile for a private CA)`,
  }));
  const urlMode = url.searchParams.get('sslmode');
  if (urlMode !== null && !(SSL_MODES as readonly string[]).includes(urlMode)) {
    issues.push({
      path: 'url',
      message: `sslmode=${urlMode} is not supported: use disable, require or verify-full, or leave it out and set store.ssl`,
    });
    return { ssl: fallback, issues };
  }
  if (urlMode !== null && ssl !== undefined && urlMode !== ssl) {
    issues.push({
      path: 'ssl',
      message: `is "${ssl}" but store.url says sslmode=${urlMode}: set the TLS mode in one place only (store.ssl), so it cannot be overridden unnoticed`,
    });
  }
  const effective = ssl ?? (urlMode as SslMode | null) ?? (isLocalPostgres(url) ? 'disable' : 'require');
  return { ssl: effective, issues };
}

/** The URL without sslmode: the mode is passed to node-postgres as its ssl option, which the URL would override. */
export function withoutSslMode(urlText: string): string {
  const url = new URL(urlText);
  if (!url.searchParams.has('sslmode')) return urlText;
  url.searchParams.delete('sslmode');
  return url.toString();
}
