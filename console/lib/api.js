// The console speaks only the admin API, the same one the CLI's server commands and scripts use.
let csrfToken = '';

/** @typedef {{ok: boolean, status: number, data: any, error: string, issues: string[]}} Answer */

/** Who is signed in, or null; keeps the CSRF token for state-changing calls. */
export async function currentSession() {
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (!response.ok) return null;
  const session = await response.json();
  csrfToken = session.csrfToken;
  return session;
}

/**
 * One API call. A 401 (session expired) goes back to the login page; every other answer is returned,
 * with the server's own error text and field issues for the page to show beside what was sent.
 * @param {string} method @param {string} path @param {unknown} [body]
 * @returns {Promise<Answer>}
 */
export async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !path.startsWith('/api/session')) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    return new Promise(() => {});
  }
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  const error = response.ok ? '' : (data?.error ?? `HTTP ${response.status}`);
  const issues = Array.isArray(data?.issues) ? data.issues.map(String) : [];
  return { ok: response.ok, status: response.status, data, error, issues };
}

export const get = (/** @type {string} */ path) => call('GET', path);
export const post = (/** @type {string} */ path, /** @type {unknown} */ body) =>
  call('POST', path, body ?? {});
export const put = (/** @type {string} */ path, /** @type {unknown} */ body) => call('PUT', path, body);
export const del = (/** @type {string} */ path, /** @type {unknown} */ body = undefined) =>
  call('DELETE', path, body);

/** For links that download a document with the session cookie (GET, so no CSRF token is needed). */
export const downloadUrl = (/** @type {string} */ path) => path;
