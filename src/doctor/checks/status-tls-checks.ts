import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOOPBACK_HOST } from '../../config/config-schema.js';
import { ConfigError, coerceError } from '../../errors.js';
import { readProvided, selfSignedPaths } from '../../status/status-certificate.js';
import { type DoctorCheck, duration, fail, pass, skip, warn } from '../doctor-check.js';

const ID = 'status-tls';
const RENEW_WITHIN_MS = 30 * 86_400_000;
const PROVIDE =
  'set status.tls.certFile and status.tls.keyFile to PEM files of a certificate your clients trust';

/**
 * The status API listens over TLS only; this checks with which certificate. A provided one passes while
 * it is valid; the self-signed one warns (a client can only trust it by pinning); a self-signed one on
 * an address beyond this machine fails (the configuration refuses that too, this is the second line).
 */
export const statusTls: DoctorCheck = {
  id: ID,
  run: ({ config, now }) => {
    const { status } = config;
    if (!status.enabled) return skip(ID, 'the status API is switched off (status.enabled is false)');
    const where = `${status.host}:${status.port}`;
    const { certFile, keyFile } = status.tls;
    if (certFile && keyFile) return providedFinding(where, resolve(certFile), resolve(keyFile), now);
    if (!LOOPBACK_HOST.test(status.host)) {
      return fail(
        ID,
        `the status API listens on ${where}, beyond this machine, without a provided certificate`,
        'a self-signed certificate cannot be verified by clients on other machines, so anyone in between could pose as koppel; the processing agreement promises all traffic is encrypted in transit to a known party.',
        `${PROVIDE}, or set status.host to 127.0.0.1`,
      );
    }
    const paths = selfSignedPaths(config);
    if (existsSync(paths.keyFile) && (statSync(paths.keyFile).mode & 0o077) !== 0) {
      return fail(
        ID,
        `the private key of the status API's certificate, ${paths.keyFile}, can be read by other users`,
        'with the key another user of this machine could pose as koppel to a client that pinned the certificate.',
        `chmod 600 ${paths.keyFile}`,
      );
    }
    const fingerprint = existsSync(paths.certFile)
      ? ` (SHA-256 ${new X509Certificate(readFileSync(paths.certFile)).fingerprint256})`
      : ', made at its first start';
    return warn(
      ID,
      `the status API on ${where} uses TLS with a self-signed certificate${fingerprint}`,
      'traffic is encrypted and stays on this machine, but a client can only be sure it talks to koppel if it pins this fingerprint or trusts the certificate file.',
      `pin the fingerprint (or trust ${paths.certFile}) in the monitoring client, or ${PROVIDE}`,
    );
  },
};

function providedFinding(where: string, certFile: string, keyFile: string, now: number) {
  let validTo: Date;
  try {
    validTo = readProvided(certFile, keyFile).validTo;
  } catch (error) {
    const problem = error instanceof ConfigError ? error.issues.join('; ') : coerceError(error).message;
    return fail(
      ID,
      `the status API's certificate cannot be used: ${problem}`,
      'koppel start refuses to run with a certificate it cannot load.',
      'point status.tls.certFile and status.tls.keyFile at a matching PEM certificate and private key',
    );
  }
  const keyMode = statSync(keyFile).mode;
  if ((keyMode & 0o007) !== 0) {
    return fail(
      ID,
      `the status API's private key ${keyFile} can be read by every user of this machine`,
      'with the key anyone on this machine could pose as koppel to its clients.',
      `chmod 600 ${keyFile} (or 640 with a dedicated group)`,
    );
  }
  const left = validTo.getTime() - now;
  if (left <= 0) {
    return fail(
      ID,
      `the status API's certificate ${certFile} expired on ${validTo.toISOString().slice(0, 10)}`,
      'clients refuse an expired certificate, so monitoring cannot reach the status API.',
      'renew the certificate and restart koppel',
    );
  }
  if (left < RENEW_WITHIN_MS) {
    return warn(
      ID,
      `the status API's certificate ${certFile} expires in ${duration(left)}`,
      'once it expires, clients refuse it and monitoring cannot reach the status API.',
      'renew the certificate and restart koppel',
    );
  }
  return pass(
    ID,
    `the status API on ${where} uses TLS with the provided certificate ${certFile}, valid until ${validTo.toISOString().slice(0, 10)}`,
  );
}
