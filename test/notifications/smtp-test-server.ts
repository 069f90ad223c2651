import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';

export interface ReceivedMail {
  to: string[];
  from: string;
  /** The raw message, with quoted-printable soft breaks undone (enough to read the text parts). */
  raw: string;
  /** Whether the session was upgraded with STARTTLS (or was TLS from the start). */
  secure: boolean;
}

export interface SmtpTestServer {
  /** smtp://127.0.0.1:<port> (STARTTLS required by the mailer). */
  url: string;
  /** The server's self-signed certificate, written for notifications.smtp.caFile. */
  caFile: string;
  received: ReceivedMail[];
  /** While true, every recipient is refused with 550 (a failed delivery). */
  refuse: boolean;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1, port 0, offering STARTTLS with a self-signed certificate. */
export async function startSmtpTestServer(dir: string): Promise<SmtpTestServer> {
  const { key, cert } = await selfSignedCertificate('localhost');
  const caFile = join(dir, 'smtp-ca.pem');
  writeFileSync(caFile, cert);
  const state = { refuse: false };
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.refuse) {
        const error = new Error('mailbox unavailable') as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        raw += chunk;
      });
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw: decodeQuotedPrintable(raw),
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    caFile,
    received,
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decodeQuotedPrintable(raw: string): string {
  return Buffer.from(
    raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** The acknowledgement code in a received notice (Dutch or English). */
export function ackCodeIn(mail: ReceivedMail): string {
  const match = /(?:Bevestigingscode|Acknowledgement code): ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})/.exec(
    mail.raw,
  );
  if (!match) throw new Error('no acknowledgement code in the mail');
  return match[1]!;
}
