import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';
import { selfSignedCertificate } from '../tls/self-signed.js';

const DAY_MS = 86_400_000;
/** A stored self-signed certificate closer than this to its end is replaced at start. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

export interface StatusCertificate {
  key: string;
  cert: string;
  /** True when koppel made the certificate itself: clients must pin its fingerprint or trust the file. */
  selfSigned: boolean;
  /** SHA-256 of the certificate, colon-separated hex, for a client to pin. */
  fingerprint: string;
  validTo: Date;
  certFile: string;
  keyFile: string;
  /** Why a self-signed certificate was made at this start ('none yet', 'expires soon', ...); null if reused. */
  generated: string | null;
}

/** Where the self-signed certificate of the status listener lives: <dataDir>/tls/status.{crt,key}. */
export function selfSignedPaths(config: Pick<KoppelConfig, 'dataDir'>): {
  certFile: string;
  keyFile: string;
} {
  const dir = resolve(config.dataDir, 'tls');
  return { certFile: join(dir, 'status.crt'), keyFile: join(dir, 'status.key') };
}

/**
 * The certificate of the status listener: the provided one (status.tls), or a self-signed one made on
 * the first start and reused after that, so a client that pinned its fingerprint keeps working.
 */
export async function statusCertificate(
  config: Pick<KoppelConfig, 'dataDir' | 'status'>,
  now: number,
): Promise<StatusCertificate> {
  const { certFile, keyFile } = config.status.tls;
  if (certFile && keyFile) return { ...readProvided(resolve(certFile), resolve(keyFile)), generated: null };
  const paths = selfSignedPaths(config);
  const problem = storedProblem(paths, now);
  if (!problem) return { ...readPair(paths.certFile, paths.keyFile, true), generated: null };
  const pair = await selfSignedCertificate('localhost', 365);
  mkdirSync(resolve(config.dataDir, 'tls'), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a crash never leaves half a key; the key is never readable by others.
  writeFileSync(`${paths.keyFile}.tmp`, pair.key, { mode: 0o600 });
  writeFileSync(`${paths.certFile}.tmp`, pair.cert, { mode: 0o644 });
  renameSync(`${paths.keyFile}.tmp`, paths.keyFile);
  renameSync(`${paths.certFile}.tmp`, paths.certFile);
  return { ...readPair(paths.certFile, paths.keyFile, true), generated: problem };
}

/** Why the stored self-signed certificate cannot be reused, or null when it can. */
function storedProblem(paths: { certFile: string; keyFile: string }, now: number): string | null {
  if (!existsSync(paths.certFile) || !existsSync(paths.keyFile)) return 'none yet';
  try {
    const pair = readPair(paths.certFile, paths.keyFile, true);
    if (pair.validTo.getTime() - now < RENEW_BEFORE_MS) return 'the previous one expires within 30 days';
    // Earlier versions made it a CA; one that clients trust must not be able to vouch for others.
    if (new X509Certificate(pair.cert).ca) return 'the stored one is a CA certificate';
    return null;
  } catch {
    return 'the stored one could not be read';
  }
}

/** Reads and checks a provided pair; a ConfigError names the field of what is wrong. */
export function readProvided(certFile: string, keyFile: string) {
  const cert = readText(certFile, 'status.tls.certFile');
  const key = readText(keyFile, 'status.tls.keyFile');
  try {
    return check(cert, key, certFile, keyFile, false);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`status.tls.certFile: ${certFile} is not a PEM certificate`]);
  }
}

function readPair(certFile: string, keyFile: string, selfSigned: boolean) {
  return check(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, keyFile, selfSigned);
}

function check(cert: string, key: string, certFile: string, keyFile: string, selfSigned: boolean) {
  const x509 = new X509Certificate(cert);
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError([`status.tls.keyFile: ${keyFile} is not a PEM private key`]);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError([
      `status.tls.keyFile: ${keyFile} does not belong to the certificate in status.tls.certFile`,
    ]);
  }
  return {
    key,
    cert,
    selfSigned,
    fingerprint: x509.fingerprint256,
    validTo: new Date(x509.validTo),
    certFile,
    keyFile,
  };
}

function readText(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
}
