import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { stripControls } from '../../src/controls.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
// Resolved here, so the child finds the TypeScript loader whatever its working directory is.
export const TSX = import.meta.resolve('tsx');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the koppel CLI as a separate process, the way a person or a monitoring job would. Standard
 * input gets `input` and is then closed (as a pipe from `echo` would be). Costs a Node and tsx start
 * (about 1-1.5 s): use it where the process itself is under test (bin.ts, exit codes, signals,
 * long-running commands, a pipe on standard input), and runCliInProcess for the rest.
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
  input = '',
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
      cwd,
      env: { ...process.env, KOPPEL_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The same CLI run inside this process: `main()` of src/cli/main.ts with the arguments, an
 * environment built as runCli builds the child's, `cwd` for relative paths (no process.chdir, so
 * tests may run side by side) and `input` as a closed, non-terminal standard input. For commands
 * that end by themselves: nothing sends this run a Ctrl-C. The app it builds has this process's pid:
 * `start` takes back the queue claims of an earlier App of this process on the same store (as it does
 * a crashed process's), so do not run it beside an App that holds claims.
 */
export async function runCliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
  input = '',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (line) => {
      stdout += `${stripControls(line)}\n`;
    },
    err: (line) => {
      stderr += `${stripControls(line)}\n`;
    },
    env: { ...process.env, KOPPEL_LOG_LEVEL: 'silent', ...env },
    cwd,
    stdin: Readable.from(input === '' ? [] : [Buffer.from(input)]),
    stdoutIsTerminal: false,
    stopped: () => new Promise<void>(() => {}),
  };
  const code = await main(['node', 'koppel', ...args], io);
  return { code, stdout, stderr };
}
