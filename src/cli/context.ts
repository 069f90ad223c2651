import { type App, createApp } from '../app.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { stripControls } from '../controls.js';

export interface GlobalOptions {
  config?: string;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Output without control characters: an echoed id or key cannot reach the terminal as an escape. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${stripControls(line)}\n`),
  err: (line) => process.stderr.write(`${stripControls(line)}\n`),
  env: process.env,
};

export function configFrom(options: GlobalOptions, io: CliIo): KoppelConfig {
  return loadConfig({ file: options.config, env: io.env });
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
