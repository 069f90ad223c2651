import { createInterface } from 'node:readline';
import { type CliIo, readAll } from './context.js';

export interface SecretInput {
  /** Reads one secret: the first line of standard input, or a prompt without echo on a terminal. */
  secret(prompt: string): Promise<string>;
  /** A typed yes on a terminal; false when standard input is not a terminal. */
  confirm(prompt: string): Promise<boolean>;
  isTerminal: boolean;
}

/**
 * Passwords never come from arguments (other users can read /proc/<pid>/cmdline, and shell history).
 * Standard input is read once, when the first secret is asked for; `admin passwd` asks for a line, a later question gets the next one.
 */
export function secretInputFrom(io: Pick<CliIo, 'stdin'>, prompts: NodeJS.WritableStream): SecretInput {
  const terminal = Boolean(io.stdin.isTTY);
  let lines: Promise<string[]> | undefined;
  const nextLine = async () => {
    lines ??= readAll(io.stdin).then((text) => text.split(/\r?\n/));
    return (await lines).shift() ?? '';
  };
  const ask = (prompt: string, hidden: boolean) => askOn(io.stdin, prompts, prompt, hidden);
  return {
    isTerminal: terminal,
    secret: (prompt) => (terminal ? ask(prompt, true) : nextLine()),
    confirm: async (prompt) => terminal && /^y(es)?$/i.test((await ask(prompt, false)).trim()),
  };
}

function askOn(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  prompt: string,
  hidden: boolean,
): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    if (hidden) {
      // Echo nothing but the prompt itself.
      const writer = rl as unknown as { _writeToOutput: (s: string) => void };
      writer._writeToOutput = (s: string) => {
        if (s.startsWith(prompt)) output.write(prompt);
      };
    }
    rl.question(prompt, (answer) => {
      rl.close();
      if (hidden) output.write('\n');
      resolve(answer);
    });
  });
}
