/**
 * Runs a conversion on a worker thread at a lower CPU priority.
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
  dumpFile: string;
  outFile: string;
  nice: number;
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

/** Converts on a fresh worker thread niced to `nice` (default 10); rejects with the converter's error. */
export function convertDumpOnThread(dumpFile: string, outFile: string, opts: { nice?: number } = {}): Promise<ConvertMeasurement> {
  return new Promise((resolve, reject) => {
    const job: Job = { dumpFile, outFile, nice: opts.nice ?? CONVERT_NICE };
    const worker = new Worker(threadEntry(), { workerData: job });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else reject(reply.badInput ? new DumpInputError(reply.message) : new Error(reply.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`conversion thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.dumpFile) {
  const job = workerData as Job;
  const port = parentPort;
  lowerThreadPriority(job.nice);
  const cpu = threadCpuMs();
  const wall = performance.now();
  dumpToWebm(job.dumpFile, job.outFile).then(
    (result) => {
      const reply: Reply = {
        ok: true,
        result: { ...result, mediaSeconds: result.durationMs / 1000, cpuMs: threadCpuMs() - cpu, wallMs: performance.now() - wall },
      };
      port.postMessage(reply);
    },
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      const badInput = e instanceof DumpFormatError || e instanceof EmptyDumpError || e instanceof SyntaxError;
      port.postMessage({ ok: false, badInput, message: e.message } satisfies Reply);
    },
  );
}
