import { resolve } from 'node:path';
import { type App, createApp } from '../app.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { stripControls } from '../controls.js';

export interface GlobalOptions {
  config?: string;
}

/**
 * Everything a command takes from its process, so the CLI can also run inside another process (the
 * tests run most commands in-process): output, environment, working directory, standard input and
 * the stop signals.
 */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** What relative paths (dataDir, --config, file arguments) are resolved against. */
  readonly cwd: string;
  /** Standard input: piped secrets and passwords; a terminal is asked with a prompt. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Whether standard output is a terminal (progress redraws in place). */
  readonly stdoutIsTerminal: boolean;
  /** Resolves on the first Ctrl-C (SIGINT) or SIGTERM; listens only from the first call on. */
  stopped: () => Promise<void>;
}

/** Output without control characters: an echoed id or key cannot reach the terminal as an escape. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${stripControls(line)}\n`),
  err: (line) => process.stderr.write(`${stripControls(line)}\n`),
  env: process.env,
  get cwd() {
    return process.cwd();
  },
  get stdin() {
    return process.stdin;
  },
  get stdoutIsTerminal() {
    return Boolean(process.stdout.isTTY);
  },
  stopped: () =>
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    }),
};

/** A path from the command line or the configuration, made absolute against the CLI's directory. */
export function pathFrom(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}

/** Standard input read to its end. */
export async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function configFrom(options: GlobalOptions, io: CliIo): KoppelConfig {
  const file = options.config ?? io.env.KOPPEL_CONFIG;
  return absolutePaths(loadConfig({ file: file ? pathFrom(io, file) : undefined, env: io.env }), io);
}

/**
 * Every file path of the configuration made absolute against io.cwd, once, here: the rest of koppel
 * then never depends on the process's working directory (store.path and masterKey.path are relative
 * to dataDir, which is now absolute).
 */
function absolutePaths(config: KoppelConfig, io: CliIo): KoppelConfig {
  const abs = (path: string | undefined) => (path === undefined || path === '' ? path : pathFrom(io, path));
  const tls = (t: { certFile?: string; keyFile?: string }) => ({
    ...t,
    ...(t.certFile ? { certFile: abs(t.certFile) } : {}),
    ...(t.keyFile ? { keyFile: abs(t.keyFile) } : {}),
  });
  const store =
    config.store.driver === 'postgres' && config.store.caFile
      ? { ...config.store, caFile: abs(config.store.caFile) }
      : config.store;
  const smtp = config.notifications.smtp;
  return {
    ...config,
    dataDir: pathFrom(io, config.dataDir),
    store,
    status: { ...config.status, tls: tls(config.status.tls) },
    server: { ...config.server, tls: tls(config.server.tls) },
    notifications: {
      ...config.notifications,
      smtp: smtp.caFile ? { ...smtp, caFile: abs(smtp.caFile) } : smtp,
    },
  };
}

/** Builds the app for one command and always closes it, also when the command fails. */
export async function withApp<T>(
  options: GlobalOptions,
  io: CliIo,
  fn: (app: App) => Promise<T>,
): Promise<T> {
  const app = await createApp(configFrom(options, io), { env: io.env });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
