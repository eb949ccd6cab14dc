/**
 * One typed in-process bus of domain events (contract/domain-events.ts). Services publish
 * what happened; the socket pushes, the action log and webhooks subscribe. `publish` runs the
 * local handlers in subscription order and waits for them (so "settle honesty, then push the
 * row" keeps its order); a failing handler is logged and does not stop the others.
 *
 * With Redis the event is also published on a channel, and other nodes run the handlers that
 * asked for remote events (`{ remote: true }`). Socket pushes don't: the socket.io adapter
 * already relays their broadcasts, and webhooks are enqueued once, by the node that saw the
 * event.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { domainEventSchemas, type DomainEventIdentity, type DomainEventPayload, type DomainEventType } from '../contract/domain-events.ts';

export interface EventMeta {
  id: string;
  occurredAt: string;
  /** `remote`: published on another node and relayed through Redis. */
  origin: 'local' | 'remote';
}

export type EventHandler<T extends DomainEventType> = (payload: DomainEventPayload<T>, meta: EventMeta) => void | Promise<void>;

export interface EventBus {
  /** `identity`: the event's id and time when it already has them (outbox rows); default new. */
  publish<T extends DomainEventType>(type: T, payload: DomainEventPayload<T>, identity?: DomainEventIdentity): Promise<void>;
  /**
   * Returns the unsubscribe function. `detached`: called at once when the event is published,
   * before the ordered handlers and concurrently with them (they are not delayed by it);
   * `publish` still waits for it. Detached handlers thus see events in publish order.
   */
  subscribe<T extends DomainEventType>(type: T, handler: EventHandler<T>, opts?: { remote?: boolean; detached?: boolean }): () => void;
  close(): Promise<void>;
}

interface Subscription {
  handler: EventHandler<DomainEventType>;
  remote: boolean;
  detached: boolean;
}

interface WireEvent {
  node: string;
  id: string;
  type: string;
  occurredAt: string;
  payload: unknown;
}

export interface EventBusOptions {
  log: Pick<Logger, 'warn'>;
  /** Relay to and from other nodes; omitted = this process only. */
  redisUrl?: string;
  /** Pub/sub channel (tests isolate themselves with it). */
  channel?: string;
}

export async function createEventBus(opts: EventBusOptions): Promise<EventBus> {
  const subs = new Map<DomainEventType, Subscription[]>();
  const node = randomUUID();
  const channel = opts.channel ?? 'proctor:domain-events';
  let pub: Redis | undefined;
  let sub: Redis | undefined;

  const run = async (type: DomainEventType, payload: unknown, meta: EventMeta) => {
    const wanted = (subs.get(type) ?? []).filter((s) => meta.origin === 'local' || s.remote);
    const detached = wanted
      .filter((s) => s.detached)
      .map(async (s) => {
        try {
          await s.handler(payload as never, meta);
        } catch (err) {
          opts.log.warn({ err, event: type, eventId: meta.id }, 'domain event handler failed');
        }
      });
    for (const s of wanted) {
      if (s.detached) continue;
      try {
        await s.handler(payload as never, meta);
      } catch (err) {
        opts.log.warn({ err, event: type, eventId: meta.id }, 'domain event handler failed');
      }
    }
    await Promise.all(detached);
  };

  if (opts.redisUrl) {
    pub = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    sub = pub.duplicate();
    for (const c of [pub, sub]) c.on('error', (err: Error) => opts.log.warn({ err }, 'domain event relay connection error'));
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(channel);
    sub.on('message', (_channel: string, raw: string) => {
      let wire: WireEvent;
      try {
        wire = JSON.parse(raw) as WireEvent;
      } catch {
        return;
      }
      if (wire.node === node || !(wire.type in domainEventSchemas)) return;
      const type = wire.type as DomainEventType;
      // Another node's message is input like any other: its shape is checked before use.
      const parsed = domainEventSchemas[type].safeParse(wire.payload);
      if (!parsed.success) return opts.log.warn({ event: type }, 'malformed relayed domain event dropped');
      void run(type, parsed.data, { id: String(wire.id), occurredAt: String(wire.occurredAt), origin: 'remote' });
    });
  }

  return {
    async publish(type, payload, identity) {
      const meta: EventMeta = { id: identity?.id ?? randomUUID(), occurredAt: identity?.occurredAt ?? new Date().toISOString(), origin: 'local' };
      if (pub) {
        const wire: WireEvent = { node, id: meta.id, type, occurredAt: meta.occurredAt, payload };
        pub.publish(channel, JSON.stringify(wire)).catch((err: unknown) => opts.log.warn({ err, event: type }, 'relaying a domain event failed'));
      }
      await run(type, payload, meta);
    },
    subscribe(type, handler, subOpts = {}) {
      const list = subs.get(type) ?? [];
      const entry: Subscription = { handler: handler as EventHandler<DomainEventType>, remote: subOpts.remote ?? false, detached: subOpts.detached ?? false };
      list.push(entry);
      subs.set(type, list);
      return () => {
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
      };
    },
    async close() {
      await Promise.allSettled([sub?.quit(), pub?.quit()]);
    },
  };
}
