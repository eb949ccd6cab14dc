/**
 * `proctor_socket_request_duration_seconds{event,outcome}`: time from a contract request's
 * arrival to its acknowledgement (outcome `ok` or the error code), measured around the
 * ack callback so every handler is covered without touching it.
 */
import type { Server } from 'socket.io';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { requests } from '../contract/events.ts';
import type { Ack } from '../contract/events.ts';

export function installSocketMetrics(io: Server, registry: Registry): void {
  const duration = new Histogram({
    name: 'proctor_socket_request_duration_seconds',
    help: 'Socket request latency until its acknowledgement, by event and outcome',
    labelNames: ['event', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'proctor_sockets_connected',
    help: 'Open socket.io connections (candidates, proctors, Results pages)',
    registers: [registry],
    collect() {
      this.set(io.engine.clientsCount);
    },
  });
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const event = packet[0];
      const last = packet.length - 1;
      const ack = packet[last];
      // Unknown events are refused elsewhere; only contract requests are timed (bounded labels).
      if (typeof event === 'string' && Object.hasOwn(requests, event) && last > 0 && typeof ack === 'function') {
        const stop = duration.startTimer({ event });
        packet[last] = (reply: Ack<unknown> | undefined) => {
          stop({ outcome: reply?.ok ? 'ok' : (reply?.error?.code ?? 'error') });
          (ack as (r: unknown) => void)(reply);
        };
      }
      next();
    });
  });
}
