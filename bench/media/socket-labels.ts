/**
 * Which mediasoup transport owns which local UDP port, learnt from the workers' observer
 * events, so kernel drops can be blamed on a kind of socket: a candidate's ingest, the
 * pipe between two workers, a proctor's egress, or a recorder's transport.
 */
import type * as ms from 'mediasoup/types';

export type SocketKind = 'ingest' | 'pipe' | 'egress' | 'recording' | 'other';

export class SocketLabels {
  readonly #byPort = new Map<number, SocketKind>();

  /** Starts watching `worker`: every transport created on it from now on is labelled. */
  watch(worker: ms.Worker): void {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => this.#label(transport));
    });
  }

  #label(transport: ms.Transport): void {
    let kind: SocketKind = 'other';
    let port: number | undefined;
    if (transport.type === 'pipe') {
      kind = 'pipe';
      port = (transport as ms.PipeTransport).tuple.localPort;
    } else if (transport.type === 'plain') {
      const plain = transport as ms.PlainTransport;
      port = plain.tuple.localPort;
      if (plain.appData.purpose === 'recording') kind = 'recording';
      else if (plain.appData.direction === 'send' || plain.appData.candidate !== undefined) kind = 'ingest';
      else kind = 'egress';
      // A recorder's transport without rtcp-mux has a second socket for RTCP.
      if (plain.rtcpTuple) this.#byPort.set(plain.rtcpTuple.localPort, kind);
    }
    if (port !== undefined) this.#byPort.set(port, kind);
  }

  kindOf(port: number): SocketKind {
    return this.#byPort.get(port) ?? 'other';
  }
}
