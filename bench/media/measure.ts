/**
 * CPU and memory of process groups over the measurement window.
 *
 * The SFU's cost is the sum of three groups: the mediasoup workers, the recording
 * ffmpegs and the Node process that hosts the SFU (this process). The generator and the
 * sink are sampled too, only to show how much of the machine the harness itself takes.
 */
import { CLK_TCK, readMachineCpu, readProc, readPssBytes, readRunDelayNs } from './proc.ts';

export const SFU_GROUPS = ['workers', 'ffmpeg', 'node'] as const;
export const HARNESS_GROUPS = ['generator', 'sink'] as const;
export type Group = (typeof SFU_GROUPS)[number] | (typeof HARNESS_GROUPS)[number];
export type PidSet = Record<Group, number[]>;

interface Snapshot {
  atMs: number;
  ticks: Map<number, number>;
  /** Run-queue wait of each worker's main thread, ns. */
  workerRunDelay: Map<number, number>;
  machine: { busy: number; total: number };
}

export function snapshot(pids: PidSet): Snapshot {
  const ticks = new Map<number, number>();
  for (const list of Object.values(pids)) {
    for (const pid of list) {
      const s = readProc(pid);
      if (s) ticks.set(pid, s.cpuTicks);
    }
  }
  const workerRunDelay = new Map<number, number>();
  for (const pid of pids.workers) {
    const d = readRunDelayNs(pid);
    if (d !== undefined) workerRunDelay.set(pid, d);
  }
  return { atMs: performance.now(), ticks, workerRunDelay, machine: readMachineCpu() };
}

export interface CpuResult {
  wallSec: number;
  /** CPU % (100 = one core fully busy) per group. */
  groups: Record<Group, number>;
  /** CPU % of each worker, in pool order. */
  perWorker: number[];
  /** % of the window each worker's thread was runnable but waiting for a core (CPU contention). */
  workerWaitPct: number[];
  /** Processes alive at the start of the window but gone at its end (their CPU is lost). */
  vanished: number;
  /** Whole machine, % of all cores (100 = every core busy). */
  machineBusyPct: number;
}

export function cpuBetween(a: Snapshot, b: Snapshot, pids: PidSet): CpuResult {
  const wallSec = (b.atMs - a.atMs) / 1000;
  let vanished = 0;
  const pct = (pid: number): number => {
    const t0 = a.ticks.get(pid);
    const t1 = b.ticks.get(pid);
    if (t0 === undefined) return 0;
    if (t1 === undefined) {
      vanished++;
      return 0;
    }
    return ((t1 - t0) / CLK_TCK / wallSec) * 100;
  };
  const groups = {} as Record<Group, number>;
  for (const [group, list] of Object.entries(pids) as [Group, number[]][]) {
    groups[group] = list.reduce((sum, pid) => sum + pct(pid), 0);
  }
  const machineTotal = b.machine.total - a.machine.total;
  return {
    wallSec,
    groups,
    perWorker: pids.workers.map((pid) => pct(pid)),
    workerWaitPct: pids.workers.map((pid) => {
      const d0 = a.workerRunDelay.get(pid);
      const d1 = b.workerRunDelay.get(pid);
      return d0 === undefined || d1 === undefined ? 0 : ((d1 - d0) / 1e9 / wallSec) * 100;
    }),
    vanished,
    machineBusyPct: machineTotal > 0 ? ((b.machine.busy - a.machine.busy) / machineTotal) * 100 : 0,
  };
}

export interface Memory {
  rssBytes: number;
  pssBytes: number;
  /** RSS per SFU group. */
  groups: Record<(typeof SFU_GROUPS)[number], number>;
}

/** Memory of the SFU groups (not the harness); PSS only when asked (`withPss`). */
export function sfuMemory(pids: PidSet, withPss = true): Memory {
  const groups = { workers: 0, ffmpeg: 0, node: 0 };
  let pssBytes = 0;
  for (const group of SFU_GROUPS) {
    for (const pid of pids[group]) {
      groups[group] += readProc(pid)?.rssBytes ?? 0;
      if (withPss) pssBytes += readPssBytes(pid) ?? 0;
    }
  }
  return { rssBytes: groups.workers + groups.ffmpeg + groups.node, pssBytes, groups };
}

/** RSS growth after which the peak's PSS is read again. */
const PSS_REREAD_BYTES = 4 * 2 ** 20;

/**
 * Keeps the sample with the largest RSS sum seen while the window runs. PSS is read again
 * only when the RSS peak grew by PSS_REREAD_BYTES: reading smaps_rollup walks every mapping
 * in the kernel, and this process (whose CPU counts as the SFU's "node") spent ~4 % of its
 * samples on it when it read it every 2 s (perf, issue 11).
 */
export class PeakMemory {
  peak: Memory | undefined;
  #pssAtRss = -Infinity;

  sample(pids: PidSet): void {
    const m = sfuMemory(pids, false);
    if (this.peak && m.rssBytes <= this.peak.rssBytes) return;
    const reread = m.rssBytes - this.#pssAtRss >= PSS_REREAD_BYTES;
    if (reread) this.#pssAtRss = m.rssBytes;
    this.peak = { ...m, pssBytes: reread ? sfuMemory(pids).pssBytes : this.peak!.pssBytes };
  }
}
