/**
 * A network namespace of its own with a veth pair (#12): the candidate's browser runs
 * inside it and reaches this machine only through `hostIp`, so a test can cut the
 * candidate's network link for real (`cut()`: the namespace's end of the veth goes down,
 * as a Wi-Fi drop does) while the proctor, PostgreSQL and Redis stay on the host.
 *
 * Needs root (`ip netns`). Names carry this process's pid, so runs do not collide, and a
 * later run removes what a killed run left behind. Everything made here is removed on
 * `close()` and again, synchronously, when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM } from './browser.ts';

const run = promisify(execFile);
const PREFIX = 'pdrop';

export interface Netns {
  /** Namespace name, e.g. `pdrop1234a`. */
  name: string;
  /** The host's end of the veth: servers the namespace must reach listen here. */
  hostIp: string;
  /** The namespace's own address. */
  nsIp: string;
  /** A shell script that runs Chromium inside the namespace (for `executablePath`). */
  chromiumPath: string;
  /** Cut the candidate's link: `link` = its veth end down, `loss` = netem drops every packet. */
  cut(mode?: CutMode): Promise<void>;
  /** Undo `cut()`: the link is up again (returns once `ip` has applied it). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export type CutMode = 'link' | 'loss';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function ip(...args: string[]): Promise<unknown> {
  return run('ip', args);
}

/** Namespaces and host-side veths of earlier runs whose process is gone. */
function removeStale(): void {
  let names: string[] = [];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^pdrop(\d+)[a-z]$/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    quietly('ip', ['netns', 'del', name]);
    quietly('ip', ['link', 'del', `vh-${name}`]);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function quietly(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** A /24 under 10.200.0.0/16 that no interface of this machine uses yet. */
function freeSubnet(): number {
  const used = new Set<number>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const m = /^10\.200\.(\d+)\./.exec(a.address);
      if (m) used.add(Number(m[1]));
    }
  }
  const start = (process.pid % 200) + 20;
  for (let i = 0; i < 230; i++) {
    const x = ((start + i) % 230) + 20;
    if (!used.has(x)) return x;
  }
  throw new Error('no free 10.200.X.0/24 subnet for the test namespace');
}

let counter = 0;

export async function createNetns(): Promise<Netns> {
  if (!isRoot()) throw new Error('network namespaces need root (ip netns)');
  removeStale();
  const name = `${PREFIX}${process.pid}${String.fromCharCode(97 + (counter++ % 26))}`;
  const hostIf = `vh-${name}`;
  const nsIf = `vn-${name}`;
  const x = freeSubnet();
  const hostIp = `10.200.${x}.1`;
  const nsIp = `10.200.${x}.2`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const chromiumPath = path.join(dir, 'chromium-in-netns.sh');

  let removed = false;
  const removeSync = () => {
    if (removed) return;
    removed = true;
    // Deleting the namespace destroys its veth end, and with it the pair.
    quietly('ip', ['netns', 'del', name]);
    quietly('ip', ['link', 'del', hostIf]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    removeSync();
    process.kill(process.pid, signal);
  };
  process.once('exit', removeSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', name);
    await ip('addr', 'add', `${hostIp}/24`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/24`, 'dev', nsIf);
    await ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    await ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    removeSync();
    throw error;
  }
  // playwright talks to the browser over inherited pipes (fds 3, 4); `ip netns exec` keeps them.
  fs.writeFileSync(chromiumPath, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM} "$@"\n`, { mode: 0o755 });

  let cutMode: CutMode | null = null;
  return {
    name,
    hostIp,
    nsIp,
    chromiumPath,
    async cut(mode = 'link') {
      if (cutMode) throw new Error('the link is already cut');
      cutMode = mode;
      if (mode === 'link') await ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'down');
      else await run('ip', ['netns', 'exec', name, 'tc', 'qdisc', 'add', 'dev', nsIf, 'root', 'netem', 'loss', '100%']);
    },
    async restore() {
      const mode = cutMode;
      cutMode = null;
      if (mode === 'link') await ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
      else if (mode === 'loss') await run('ip', ['netns', 'exec', name, 'tc', 'qdisc', 'del', 'dev', nsIf, 'root']);
    },
    async close() {
      process.off('exit', removeSync);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      removeSync();
    },
  };
}
