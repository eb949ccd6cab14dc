/**
 * A real Caddy in front of a media node for a test, run from the shipped
 * infra/caddy/Caddyfile with `tls internal` (Caddy's own CA), on free ports, its state in
 * a temporary directory. `rootCertificate` is the CA a browser must trust.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';
import { startChild, type Child } from './process.ts';
import { waitFor } from './media.ts';

const CADDYFILE = path.resolve(import.meta.dirname, '../../infra/caddy/Caddyfile');

export interface Caddy {
  /** https://<host>:<port> */
  origin: string;
  /** Plain HTTP port (Caddy redirects it to HTTPS). */
  httpPort: number;
  rootCertificate: string;
  child: Child;
  stop(): Promise<void>;
}

export async function startCaddy({ host, upstream }: { host: string; upstream: string }): Promise<Caddy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-caddy-'));
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const child = startChild('caddy', ['run', '--adapter', 'caddyfile', '--config', CADDYFILE], {
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      PROCTOR_HOST: host,
      PROCTOR_TLS: 'internal',
      PROCTOR_UPSTREAM: upstream,
      CADDY_HTTPS_PORT: String(httpsPort),
      CADDY_HTTP_PORT: String(httpPort),
      CADDY_ADMIN: 'off',
    },
  });
  const rootCertificate = path.join(dir, 'data/caddy/pki/authorities/local/root.crt');
  await waitFor('Caddy serving with its internal CA', async () => {
    if (child.proc.exitCode !== null) throw new Error(`caddy exited:\n${child.output()}`);
    return (await fs.stat(rootCertificate).catch(() => null)) !== null && /serving initial configuration/.test(child.output());
  }, 30_000);
  return {
    origin: `https://${host}:${httpsPort}`,
    httpPort,
    rootCertificate,
    child,
    async stop() {
      await child.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
