import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';

/** One message as the mailer sends it; the outbox stores it sealed until it is delivered. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends one message or throws; the error carries SMTP codes only (see deliveryError). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

type NotificationsConfig = KoppelConfig['notifications'];

/**
 * The SMTP mailer (nodemailer): smtp:// must upgrade with STARTTLS (requireTLS, so a server that does
 * not offer it is refused instead of being used in the clear), smtps:// is TLS from the start. A
 * private CA comes from notifications.smtp.caFile. Returns null when no SMTP server is configured: the
 * outbox then keeps every mail pending and visible. Nothing here logs addresses or bodies.
 */
export function createSmtpMailer(config: NotificationsConfig): Mailer | null {
  const url = config.smtp.url;
  if (!url) return null;
  if (!config.from)
    throw new ConfigError([
      'notifications.from: must be set when notifications.smtp.url is (the sender of every e-mail)',
    ]);
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const ca = config.smtp.caFile ? readCa(config.smtp.caFile) : undefined;
  const transport = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure,
    auth: parsed.username
      ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
      : undefined,
    tls: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
    logger: false,
    debug: false,
  });
  const from = config.from;
  return {
    send: async (message) => {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `notifications.smtp.caFile: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
}

/**
 * What may be stored and shown of a failed delivery: nodemailer's error code, the SMTP command and
 * reply code. Never the message text: a server's reply often quotes the recipient's address.
 */
export function deliveryError(error: unknown): string {
  const e = error as { code?: unknown; command?: unknown; responseCode?: unknown };
  const parts = [
    typeof e.code === 'string' ? e.code : 'error',
    typeof e.command === 'string' ? e.command.split(' ')[0] : '',
    typeof e.responseCode === 'number' ? String(e.responseCode) : '',
  ].filter(Boolean);
  return parts.join(' ');
}
