/**
 * A TCP relay in front of a media node whose open connections the test can cut, as a
 * network drop does: the browser's socket.io sees its websocket close and reconnects by
 * itself; the node sees `transport close`. WebRTC media (UDP, straight to mediasoup) does
 * not pass through here, so only the signaling socket drops.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CutProxy {
  url: string;
  /** Destroy every open connection (both ends); new connections are accepted again at once. */
  cut(): void;
  close(): Promise<void>;
}

export async function startCutProxy(targetUrl: string): Promise<CutProxy> {
  const target = new URL(targetUrl);
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    s.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      for (const s of [...open]) s.destroy();
    },
    async close() {
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
