import { createInterface } from 'node:readline';

export interface SecretInput {
  /** Reads one secret: the first line of standard input, or a prompt without echo on a terminal. */
  secret(prompt: string): Promise<string>;
  /** A typed yes on a terminal; false when standard input is not a terminal. */
  confirm(prompt: string): Promise<boolean>;
  isTerminal: boolean;
}

/** Passwords never come from arguments (other users can read /proc/<pid>/cmdline, and shell history). */
export const processSecretInput: SecretInput = {
  isTerminal: Boolean(process.stdin.isTTY),
  secret: (prompt) => (process.stdin.isTTY ? ask(prompt, true) : firstLineOfStdin()),
  confirm: async (prompt) => process.stdin.isTTY && /^y(es)?$/i.test((await ask(prompt, false)).trim()),
};

let stdinLines: Promise<string[]> | undefined;

/** Standard input is read once; `admin passwd` asks for a line, a later question gets the next one. */
async function firstLineOfStdin(): Promise<string> {
  stdinLines ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  })();
  const lines = await stdinLines;
  return lines.shift() ?? '';
}

function ask(prompt: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // Echo nothing but the prompt itself.
      const writer = rl as unknown as { _writeToOutput: (s: string) => void };
      writer._writeToOutput = (s: string) => {
        if (s.startsWith(prompt)) process.stderr.write(prompt);
      };
    }
    rl.question(prompt, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}
