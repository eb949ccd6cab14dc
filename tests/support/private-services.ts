/**
 * A PostgreSQL and a Redis of a test's own, for fault tests that stop and restart them
 * mid-exam. The shared servers (5432, 6379) are never touched: each private one lives in a
 * temp directory on a free port and goes away with `close()`.
 *
 * PostgreSQL: Debian's 15 (initdb + pg_ctl), trust auth, listening on 127.0.0.1 only, fsync
 * off (a test cluster). As root, PostgreSQL runs as the OS user "postgres" (it refuses root).
 * Redis: `redis-server` as a child, without persistence — a restart starts empty, as a Redis
 * without a volume does (the queue must survive losing its keys).
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { startChild, type Child } from './process.ts';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrivateService {
  /** Connection URL (PostgreSQL: the `postgres` database; see `databaseUrl`). */
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop, stay down for `downMs`, start again on the same port. Resolves once it is back. */
  restart(downMs: number): Promise<void>;
  /** Stop and delete everything it wrote. Safe to call twice. */
  close(): Promise<void>;
}

export interface PrivateRedis extends PrivateService {
  /** One redis-cli command against it; its output, trimmed. */
  cli(...args: string[]): Promise<string>;
}

export interface PrivatePostgres extends PrivateService {
  /** URL of another database on this server. */
  databaseUrl(name: string): string;
  /** Its server log so far (for failures). */
  log(): Promise<string>;
}

/** Runs a PostgreSQL binary as the OS user "postgres" when we are root. */
async function asPostgres(bin: string, args: string[]): Promise<void> {
  const file = path.join(PG_BIN, bin);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', file, ...args]);
  else await run(file, args);
}

async function osIds(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proctor-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (process.getuid?.() === 0) {
    const { uid, gid } = await osIds('postgres');
    await chown(dir, uid, gid);
  }
  const port = await freePort();
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  // The socket goes into our directory, not /var/run/postgresql (the shared server's).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let running = false;
  let closed = false;
  const start = async () => {
    await asPostgres('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '60', '-o', options]);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    // Fast: every session is cut (as a server restart or failover does), no waiting for clients.
    await asPostgres('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60']);
    running = false;
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    databaseUrl: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    start,
    stop,
    async restart(downMs) {
      await stop();
      await sleep(downMs);
      await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (running) await asPostgres('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proctor-redis-'));
  const port = await freePort();
  let child: Child | undefined;
  const start = async () => {
    const c = startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir });
    child = c;
    await c.waitFor(/Ready to accept connections/, 15_000);
  };
  const stop = async () => {
    await child?.stop('SIGTERM');
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async cli(...args) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
      return stdout.trim();
    },
    async restart(downMs) {
      await stop();
      await sleep(downMs);
      await start();
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
