/** A raw socket.io client speaking the contract, for tests that bypass the browser. */
import { io, type Socket } from 'socket.io-client';
import type { RequestName } from '@proctor/signaling/contract';

/** A test's loose view of an ack: read `data` or `error` after checking `ok`. */
export interface AnyAck {
  ok: boolean;
  data: any;
  error: { code: string; message: string };
}

export async function connect(url: string, token: string | undefined): Promise<Socket> {
  const socket = io(url, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** Why a connection is refused (the server's message), or 'connected'. */
export async function connectError(url: string, token: string | undefined): Promise<string> {
  try {
    const s = await connect(url, token);
    s.close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Emit anything (even what the contract forbids) and return the ack. */
export function ask(socket: Socket, event: RequestName | string, payload?: unknown, timeoutMs = 5000): Promise<AnyAck> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<AnyAck>;
}

/** rtpParameters a non-browser client can publish with: plain VP8/Opus with fixed SSRCs. */
export const vp8Params = (ssrc: number) => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc }],
});
export const opusParams = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
});
