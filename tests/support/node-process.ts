/**
 * A media node as its own process (`signaling/src/main.ts`, exactly as systemd runs it),
 * configured through the environment, for tests where a node must die for real (SIGKILL).
 * No REDIS_URL: its jobs run inside it on the test database's PostgreSQL queue.
 */
import path from 'node:path';
import { startChild, type Child } from './process.ts';

const MAIN = path.resolve(import.meta.dirname, '../../signaling/src/main.ts');

export interface NodeProcess {
  url: string;
  child: Child;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `readyTimeoutMs`: how long start-up may take (tsx, migrations, mediasoup); a loaded machine needs more. */
export async function startNodeProcess(env: Record<string, string> & { PORT: string }, readyTimeoutMs = 60_000): Promise<NodeProcess> {
  const child = startChild(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, HOST: '127.0.0.1', MEDIA_WORKERS: '1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
  });
  await child.waitFor(/"msg":"media node ready"/, readyTimeoutMs);
  return { url: `http://127.0.0.1:${env.PORT}`, child, stop: (signal) => child.stop(signal) };
}
