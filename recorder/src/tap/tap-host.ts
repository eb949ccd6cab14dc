/**
 * Where a TapReceiver runs: on this thread (`inline`) or in a worker thread of its own
 * (`thread`), one per mediasoup worker, so that the receive and write cost of each
 * worker's tracks can run on another core than the node's event loop. Both offer the
 * same asynchronous interface; the choice and its numbers are in recorder/README.md.
 */
import { Worker } from 'node:worker_threads';
import { TapReceiver, type TapStats, type TrackHole, type TrackResult, type TrackSpec } from './tap-receiver.ts';

export interface TapHost {
  readonly port: number;
  addTrack(spec: TrackSpec): Promise<void>;
  closeTrack(ssrc: number): Promise<TrackResult>;
  stats(): Promise<TapStats>;
  close(): Promise<void>;
}

export type TapHostMode = 'inline' | 'thread';

/** `onHole` hears every hole the receiver finds in its tracks (tap-receiver.ts), on this thread. */
export async function startTapHost(mode: TapHostMode, onHole: (hole: TrackHole) => void = () => undefined): Promise<TapHost> {
  return mode === 'thread' ? ThreadTapHost.start(onHole) : InlineTapHost.start(onHole);
}

class InlineTapHost implements TapHost {
  private constructor(private readonly receiver: TapReceiver) {}
  static async start(onHole: (hole: TrackHole) => void): Promise<InlineTapHost> {
    return new InlineTapHost(await TapReceiver.open('127.0.0.1', onHole));
  }
  get port(): number {
    return this.receiver.port;
  }
  async addTrack(spec: TrackSpec): Promise<void> {
    this.receiver.addTrack(spec);
  }
  closeTrack(ssrc: number): Promise<TrackResult> {
    return this.receiver.closeTrack(ssrc);
  }
  async stats(): Promise<TapStats> {
    return this.receiver.stats();
  }
  close(): Promise<void> {
    return this.receiver.close();
  }
}

/** Requests to the thread and their answers (tap-thread.ts). */
export type TapRequest =
  | { id: number; op: 'addTrack'; spec: TrackSpec }
  | { id: number; op: 'closeTrack'; ssrc: number }
  | { id: number; op: 'stats' }
  | { id: number; op: 'close' };
export type TapReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { ready: number }
  | { hole: TrackHole };

/**
 * The thread's entry is TypeScript, and a worker thread does not inherit the main
 * thread's `--import tsx` loader (Node 20, tried with and without execArgv): the thread
 * registers tsx itself before importing it. Without tsx (compiled code) it imports directly.
 */
function threadBootstrap(entry: string): string {
  let api: string | undefined;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    api = undefined;
  }
  const load = `import(${JSON.stringify(entry)})`;
  return api ? `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => ${load})` : load;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

class ThreadTapHost implements TapHost {
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #dead: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
    onHole: (hole: TrackHole) => void,
  ) {
    worker.on('message', (msg: TapReply) => {
      if ('hole' in msg) return onHole(msg.hole);
      if (!('id' in msg)) return;
      const w = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      if (msg.ok) w?.resolve(msg.value);
      else w?.reject(new Error(msg.error));
    });
    const fail = (error: Error) => {
      this.#dead ??= error;
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`recording tap thread exited (code ${code})`)));
  }

  static start(onHole: (hole: TrackHole) => void): Promise<ThreadTapHost> {
    const worker = new Worker(threadBootstrap(new URL('./tap-thread.ts', import.meta.url).href), { eval: true });
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      worker.once('error', onError);
      worker.once('message', (msg: TapReply) => {
        worker.off('error', onError);
        if ('ready' in msg) resolve(new ThreadTapHost(worker, msg.ready, onHole));
        else reject(new Error('recording tap thread did not start'));
      });
    });
  }

  #call<T>(req: DistributiveOmit<TapRequest, 'id'>): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  addTrack(spec: TrackSpec): Promise<void> {
    return this.#call({ op: 'addTrack', spec });
  }
  closeTrack(ssrc: number): Promise<TrackResult> {
    return this.#call({ op: 'closeTrack', ssrc });
  }
  stats(): Promise<TapStats> {
    return this.#call({ op: 'stats' });
  }
  async close(): Promise<void> {
    if (!this.#dead) await this.#call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
