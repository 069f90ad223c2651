import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type KoppelConfig, LOOPBACK_HOST } from '../../config/config-schema.js';
import { ConfigError, coerceError } from '../../errors.js';
import { readProvided, selfSignedPaths } from '../../status/status-certificate.js';
import { type DoctorCheck, duration, fail, pass, skip, warn } from '../doctor-check.js';

const RENEW_WITHIN_MS = 30 * 86_400_000;

interface Listener {
  enabled: boolean;
  host: string;
  port: number;
  tls: { certFile?: string; keyFile?: string };
}

/** Which listener a check looks at: its finding id, its name in sentences, its config section. */
interface ListenerSpec {
  id: string;
  name: string;
  field: 'status' | 'server';
  pick(config: KoppelConfig): Listener;
}

/**
 * The status API listens over TLS only; this checks with which certificate. A provided one passes while
 * it is valid; the self-signed one warns (a client can only trust it by pinning); a self-signed one on
 * an address beyond this machine fails (the configuration refuses that too, this is the second line).
 */
function listenerTls(spec: ListenerSpec): DoctorCheck {
  const { id: ID, name, field } = spec;
  const PROVIDE = `set ${field}.tls.certFile and ${field}.tls.keyFile to PEM files of a certificate your clients trust`;
  return {
    id: ID,
    run: ({ config, now }) => {
      const status = spec.pick(config);
      if (!status.enabled) return skip(ID, `${name} is switched off (${field}.enabled is false)`);
      const where = `${status.host}:${status.port}`;
      const { certFile, keyFile } = status.tls;
      if (certFile && keyFile) return providedFinding(spec, where, resolve(certFile), resolve(keyFile), now);
      if (!LOOPBACK_HOST.test(status.host)) {
        return fail(
          ID,
          `${name} listens on ${where}, beyond this machine, without a provided certificate`,
          'a self-signed certificate cannot be verified by clients on other machines, so anyone in between could pose as koppel; the processing agreement promises all traffic is encrypted in transit to a known party.',
          `${PROVIDE}, or set ${field}.host to 127.0.0.1`,
        );
      }
      const paths = selfSignedPaths(config);
      if (existsSync(paths.keyFile) && (statSync(paths.keyFile).mode & 0o077) !== 0) {
        return fail(
          ID,
          `the private key of ${name}'s certificate, ${paths.keyFile}, can be read by other users`,
          'with the key another user of this machine could pose as koppel to a client that pinned the certificate.',
          `chmod 600 ${paths.keyFile}`,
        );
      }
      const fingerprint = existsSync(paths.certFile)
        ? ` (SHA-256 ${new X509Certificate(readFileSync(paths.certFile)).fingerprint256})`
        : ', made at its first start';
      return warn(
        ID,
        `${name} on ${where} uses TLS with a self-signed certificate${fingerprint}`,
        'traffic is encrypted and stays on this machine, but a client can only be sure it talks to koppel if it pins this fingerprint or trusts the certificate file.',
        `pin the fingerprint (or trust ${paths.certFile}) in the client, or ${PROVIDE}`,
      );
    },
  };
}

/** The status listener of `koppel demo` (status.*). */
export const statusTls = listenerTls({
  id: 'status-tls',
  name: 'the status API',
  field: 'status',
  pick: (config) => config.status,
});

/** The admin server of `koppel run` and `koppel server` (server.*); same certificate files. */
export const serverTls = listenerTls({
  id: 'server-tls',
  name: 'the admin server',
  field: 'server',
  pick: (config) => config.server,
});

function providedFinding(spec: ListenerSpec, where: string, certFile: string, keyFile: string, now: number) {
  const { id: ID, name, field } = spec;
  let validTo: Date;
  try {
    validTo = readProvided(certFile, keyFile).validTo;
  } catch (error) {
    const problem = error instanceof ConfigError ? error.issues.join('; ') : coerceError(error).message;
    return fail(
      ID,
      `${name}'s certificate cannot be used: ${problem}`,
      'koppel start refuses to run with a certificate it cannot load.',
      `point ${field}.tls.certFile and ${field}.tls.keyFile at a matching PEM certificate and private key`,
    );
  }
  const keyMode = statSync(keyFile).mode;
  if ((keyMode & 0o007) !== 0) {
    return fail(
      ID,
      `${name}'s private key ${keyFile} can be read by every user of this machine`,
      'with the key anyone on this machine could pose as koppel to its clients.',
      `chmod 600 ${keyFile} (or 640 with a dedicated group)`,
    );
  }
  const left = validTo.getTime() - now;
  if (left <= 0) {
    return fail(
      ID,
      `${name}'s certificate ${certFile} expired on ${validTo.toISOString().slice(0, 10)}`,
      `clients refuse an expired certificate, so they cannot reach ${name}.`,
      'renew the certificate and restart koppel',
    );
  }
  if (left < RENEW_WITHIN_MS) {
    return warn(
      ID,
      `${name}'s certificate ${certFile} expires in ${duration(left)}`,
      `once it expires, clients refuse it and cannot reach ${name}.`,
      'renew the certificate and restart koppel',
    );
  }
  return pass(
    ID,
    `${name} on ${where} uses TLS with the provided certificate ${certFile}, valid until ${validTo.toISOString().slice(0, 10)}`,
  );
}
