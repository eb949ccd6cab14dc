/**
 * Linux /proc readers: per-process CPU time and memory, machine CPU, UDP socket drops.
 * Synchronous on purpose: a few hundred tiny reads at each sample, and reading them in
 * one go keeps a sample's snapshot consistent.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Clock ticks per second of utime/stime (USER_HZ; 100 on every common Linux build). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const PAGE_BYTES = (() => {
  try {
    return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
  } catch {
    return 4096;
  }
})();

export interface ProcSample {
  /** utime + stime of all threads, in ticks. */
  cpuTicks: number;
  rssBytes: number;
}

/** undefined when the process is gone. */
export function readProc(pid: number): ProcSample | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ')': index 0 is field 3 (state), so utime (14) is 11, stime (15) 12, rss (24) 21.
  return {
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
}

/**
 * Nanoseconds the process's main thread has spent runnable but waiting for a CPU
 * (second field of /proc/<pid>/schedstat): how much a busy machine delays it.
 */
export function readRunDelayNs(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Proportional set size: shared pages (ffmpeg's libraries) divided among their users. */
export function readPssBytes(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+) kB/m.exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whole-machine CPU: busy and total ticks over all cores (first line of /proc/stat). */
export function readMachineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // up to steal; guest is inside user
  return { busy: total - idle, total };
}

/** Inodes of the sockets a process holds open (its fds that link to "socket:[inode]"). */
function socketInodes(pid: number): number[] {
  const inodes: number[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.push(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

export interface UdpSocketDrops {
  port: number;
  drops: number;
}

/**
 * Kernel drop counters (last column of /proc/net/udp) of the UDP sockets that `pids`
 * hold: packets that reached the host but overflowed a socket's receive buffer because
 * its owner did not read in time. Sockets are matched to processes by inode, so this
 * covers every socket of a worker (ingest, pipe, egress) or an ffmpeg, whatever its port.
 */
export function udpSocketDrops(pids: number[]): UdpSocketDrops[] {
  const byInode = new Map<number, UdpSocketDrops>();
  try {
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      const cols = line.trim().split(/\s+/);
      if (cols.length < 13) continue;
      const local = cols[1]!;
      byInode.set(Number(cols[9]), {
        port: parseInt(local.slice(local.indexOf(':') + 1), 16),
        drops: Number(cols[cols.length - 1]) || 0,
      });
    }
  } catch {
    return [];
  }
  const out: UdpSocketDrops[] = [];
  for (const pid of pids) {
    for (const inode of socketInodes(pid)) {
      const s = byInode.get(inode);
      if (s) out.push(s);
    }
  }
  return out;
}

/**
 * CPU seconds of this process plus its waited-for children (utime + stime + cutime +
 * cstime): what the finalise jobs cost, whether they convert in-process or in ffmpeg.
 */
export function selfCpuWithChildrenSec(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
}
