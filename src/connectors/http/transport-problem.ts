import { isLoopbackHost } from './is-loopback-host.js';

/**
 * Personal data must never cross a network unencrypted: https:// always, plain http:// only to a loopback
 * host (an emulator on this machine) and only when the operator asked for it. Returns what is wrong with
 * `url`, naming `field`, or null when it may be used.
 */
export function transportProblem(field: string, url: URL, allowInsecureLoopback: boolean): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return `${field} must use https://, got ${url.protocol}`;
  if (!isLoopbackHost(url.hostname)) {
    return (
      `${field} must use https://; only https:// is allowed, except for loopback hosts ` +
      '(127.0.0.0/8, ::1, localhost) with allowInsecureLoopback set'
    );
  }
  if (!allowInsecureLoopback) {
    return `${field} uses plain http://, allowed only for a loopback host and only if you set allowInsecureLoopback`;
  }
  return null;
}
