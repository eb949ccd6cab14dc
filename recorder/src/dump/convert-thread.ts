/**
 * Runs conversions on a worker thread at a lower CPU priority.
 *
 * The conversion is pure JavaScript, so on the job process's own thread it would hold up
 * that thread's other work — and when the media node runs the jobs in-process (the demo),
 * its signalling. On its own thread it can be niced without nicing the process: Linux
 * applies setpriority() to the one thread whose id it is given (/proc/thread-self), so the
 * live media path keeps its priority and conversions take only the CPU left over.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type ConvertMeasurement, EmptyDumpError, dumpToWebm } from './dump-to-webm.ts';
import { DumpFormatError } from './rtp-dump-format.ts';

export const CONVERT_NICE = 10;

interface Job {
  id: number;
  dumpFile: string;
  outFile: string;
}

type Reply = { ok: true; result: ConvertMeasurement } | { ok: false; badInput: boolean; message: string };

/** The dump itself is unusable (not a dump, a codec we cannot convert, no media): retrying will not help. */
export class DumpInputError extends Error {
  override name = 'DumpInputError';
}

/** CPU time of the calling thread in ms (Linux /proc; the process's elsewhere). */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ = 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

function lowerThreadPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the conversion still runs, only at normal priority.
  }
}

/**
 * This module as a worker's entry. Run from TypeScript sources (`node --import tsx`), a
 * worker does not inherit tsx's loader on Node 20, so a one-line bootstrap registers it first.
 */
function threadEntry(): URL {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new URL(self);
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(self)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/**
 * One long-lived conversion thread per process, started on first use: a fresh thread costs
 * ~250 ms of CPU (a V8 isolate, the TypeScript loader, the modules) — several times a
 * minute-long conversion. Conversions queue on it one at a time; it is unref'd while idle
 * so it never keeps a process alive, and a thread that dies is replaced on the next call.
 */
class ConvertThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: ConvertMeasurement) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  dead = false;

  constructor(nice: number) {
    this.worker = new Worker(threadEntry(), { workerData: { convertThread: true, nice } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply & { id: number }) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(reply.badInput ? new DumpInputError(reply.message) : new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.dead = true;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`conversion thread exited with code ${code}`)));
  }

  convert(dumpFile: string, outFile: string): Promise<ConvertMeasurement> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, dumpFile, outFile } satisfies Job);
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

let thread: ConvertThread | null = null;

/**
 * Converts on the process's conversion thread, niced to `nice` (default 10; fixed by the
 * first call); rejects with DumpInputError for a dump that cannot be converted.
 */
export function convertDumpOnThread(dumpFile: string, outFile: string, opts: { nice?: number } = {}): Promise<ConvertMeasurement> {
  if (!thread || thread.dead) thread = new ConvertThread(opts.nice ?? CONVERT_NICE);
  return thread.convert(dumpFile, outFile);
}

/** Stops the conversion thread (tests, shutdown); the next conversion starts a new one. */
export async function closeConvertThread(): Promise<void> {
  const t = thread;
  thread = null;
  await t?.close();
}

if (!isMainThread && parentPort && (workerData as { convertThread?: boolean } | undefined)?.convertThread) {
  const port = parentPort;
  lowerThreadPriority((workerData as { nice: number }).nice);
  // One conversion at a time, in order: the thread is one (niced) core's worth at most.
  let queue = Promise.resolve();
  port.on('message', (job: Job) => {
    queue = queue.then(async () => {
      const cpu = threadCpuMs();
      const wall = performance.now();
      try {
        const result = await dumpToWebm(job.dumpFile, job.outFile);
        const measured = { ...result, mediaSeconds: result.durationMs / 1000, cpuMs: threadCpuMs() - cpu, wallMs: performance.now() - wall };
        port.postMessage({ id: job.id, ok: true, result: measured } satisfies Reply & { id: number });
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        const badInput = e instanceof DumpFormatError || e instanceof EmptyDumpError || e instanceof SyntaxError;
        port.postMessage({ id: job.id, ok: false, badInput, message: e.message } satisfies Reply & { id: number });
      }
    });
  });
}
