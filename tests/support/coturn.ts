/**
 * A real coturn on loopback for a test, started from the shipped infra/coturn/turnserver.conf
 * with only what a loopback test must change: addresses, ports, secret, realm, no TLS, and
 * loopback allowed as a peer (the media node listens on 127.0.0.1 here).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { freePort } from './ports.ts';
import { startChild, type Child } from './process.ts';

const CONF = path.resolve(import.meta.dirname, '../../infra/coturn/turnserver.conf');

export interface Coturn {
  /** e.g. turn:127.0.0.1:40001?transport=udp */
  urls: string[];
  secret: string;
  realm: string;
  child: Child;
  stop(): Promise<void>;
}

export async function startCoturn(): Promise<Coturn> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-turn-'));
  const port = await freePort();
  const secret = randomBytes(24).toString('base64url');
  const realm = 'proctor.test';
  // coturn picks free relay ports within the range itself; a random range keeps parallel runs apart.
  const minPort = randomInt(60000, 64000);
  const child = startChild('turnserver', [
    '-c', CONF,
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 400}`,
    '--no-tls',
    '--no-dtls',
    '--allow-loopback-peers',
    '--allowed-peer-ip=127.0.0.1',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--db=${path.join(dir, 'turndb')}`,
    '--verbose',
  ]);
  await child.waitFor(/UDP listener opened on ?: 127\.0\.0\.1:\d+/);
  return {
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    secret,
    realm,
    child,
    async stop() {
      await child.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
