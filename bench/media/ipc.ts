/**
 * A minimal typed request/response over Node's IPC channel, for the helper processes.
 * The helper exits when the channel closes, so a crashed or interrupted benchmark never
 * leaves a generator blasting UDP at ports that another program may bind next.
 */
import { type ChildProcess, fork } from 'node:child_process';

export type Api = Record<string, { req: unknown; res: unknown }>;

interface Request {
  id: number;
  method: string;
  params: unknown;
}

interface Response {
  id: number;
  result?: unknown;
  error?: string;
}

export class Helper<A extends Api> {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (raw) => {
      const msg = raw as Response;
      const pending = this.#pending.get(msg.id);
      if (!pending) return;
      this.#pending.delete(msg.id);
      if (msg.error !== undefined) pending.reject(new Error(`${name}: ${msg.error}`));
      else pending.resolve(msg.result);
    });
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const p of this.#pending.values()) p.reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
        this.#pending.clear();
        resolve();
      }),
    );
  }

  /** Forks `script` with the same loader flags (tsx); its stdout goes to our stderr (our stdout is the result line). */
  static start<A extends Api>(name: string, script: URL): Helper<A> {
    const child = fork(script, [], { stdio: ['ignore', 2, 2, 'ipc'] });
    return new Helper<A>(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<M extends keyof A & string>(method: M, params: A[M]['req'], timeoutMs: number): Promise<A[M]['res']> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}.${method} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as A[M]['res']);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, method, params } satisfies Request);
    });
  }

  /** Ends the helper: closing the channel makes it exit; a signal and a deadline back that up. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.kill('SIGTERM');
    await this.#exited;
    clearTimeout(timer);
  }
}

export type Handlers<A extends Api> = { [M in keyof A]: (params: A[M]['req']) => Promise<A[M]['res']> };

/** The helper side: answers requests until the parent goes away. */
export function serve<A extends Api>(handlers: Handlers<A>): void {
  if (!process.send) throw new Error('this script runs as a child of bench/media/run.ts');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const msg = raw as Request;
    const handler = handlers[msg.method as keyof A];
    const reply = (r: Omit<Response, 'id'>) => process.send?.({ id: msg.id, ...r } satisfies Response);
    if (!handler) return reply({ error: `unknown method ${msg.method}` });
    handler(msg.params as A[keyof A]['req']).then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: error instanceof Error ? error.stack ?? error.message : String(error) }),
    );
  });
}
