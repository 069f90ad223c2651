import { generate } from 'selfsigned';

export interface CertificatePair {
  /** PEM private key. */
  key: string;
  /** PEM certificate; a client trusts it by passing it as its CA. */
  cert: string;
}

/**
 * A self-signed certificate for loopback listeners (the emulators, and koppel's own listeners when no
 * certificate is configured). Valid for localhost, 127.0.0.1 and ::1 only. It is a server certificate,
 * not a CA (cA:false, serverAuth only): a client told to trust it must not thereby trust whatever
 * certificate its key might sign.
 */
export async function selfSignedCertificate(commonName = 'localhost', days = 365): Promise<CertificatePair> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
