// A minimal request/response protocol over a forked child's IPC channel, for the sync benchmark:
// the parent calls a named command with one argument and awaits the child's answer.
import type { ChildProcess } from 'node:child_process';

interface Request {
  rpc: number;
  command: string;
  arg: unknown;
}

type Reply = { rpc: number; ok: true; value: unknown } | { rpc: number; ok: false; error: string };

export type Handlers = Record<string, (arg: never) => unknown>;

/** Child side: answers every request with its handler's result (awaited) or its error message. */
export function serve(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.command] as ((arg: unknown) => unknown) | undefined;
    void (async () => {
      let reply: Reply;
      try {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        reply = { rpc: message.rpc, ok: true, value: await handler(message.arg) };
      } catch (error) {
        reply = { rpc: message.rpc, ok: false, error: (error as Error).stack ?? String(error) };
      }
      process.send!(reply);
    })();
  });
  // The parent going away ends the child: no orphaned emulators holding gigabytes.
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: a typed caller for one child; rejects when the child fails or exits. */
export function client(child: ChildProcess, name: string) {
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (reply: Reply) => {
    const entry = waiting.get(reply.rpc);
    if (!entry) return;
    waiting.delete(reply.rpc);
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(new Error(`${name}: ${reply.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const entry of waiting.values())
      entry.reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
    waiting.clear();
  });
  return <T>(command: string, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const rpc = next++;
      waiting.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ rpc, command, arg } satisfies Request);
    });
}

/** Resolves when the child has sent `{ ready: true }` (its handlers are in place). */
export function ready(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (m?.ready !== true) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`${name} exited before it was ready (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
