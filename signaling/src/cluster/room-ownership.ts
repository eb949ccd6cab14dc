/**
 * Which media node serves an exam's live room, for several nodes without a hand-made load
 * balancer. The first node a candidate or proctor link reaches takes the room's lease
 * (PostgreSQL `room_leases`, with this node's own address) and keeps renewing it while
 * it holds the room; every other node sends that exam's links and joins there. A node that
 * dies stops renewing: after `leaseSeconds` the next node reached takes the room over.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { claimRoomLease, releaseRoomLeases, renewRoomLeases, type DB, type RoomLeaseHolder } from '@proctor/db';
import type { ClusterHome } from '../contract/events.ts';

export interface RoomOwnershipDeps {
  db: Kysely<DB>;
  nodeId: string;
  /** This node's public address, where other nodes send this node's rooms' browsers. */
  nodeUrl: string;
  /** The address every node answers (PUBLIC_URL); pages come back to it when their node is gone. */
  entryUrl: string;
  leaseSeconds: number;
  log: Logger;
  /** Rooms this node serves right now (live exams with someone in them). */
  liveRooms(): Iterable<string>;
  /** Another node took these rooms while this one held them (e.g. after a long stall). */
  onLost(examIds: string[]): void;
}

export interface RoomOwner extends RoomLeaseHolder {
  mine: boolean;
}

export class RoomOwnership {
  /**
   * Rooms claimed for a page that has not joined yet: kept for one lease so the browser
   * that was just served (or redirected here) finds the room still here when it connects.
   */
  readonly #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(private readonly deps: RoomOwnershipDeps) {}

  get nodeUrl(): string {
    return this.deps.nodeUrl;
  }

  /** Only when the entry address is not this node's own (a single node needs no way back). */
  get home(): ClusterHome | undefined {
    if (this.deps.entryUrl === this.deps.nodeUrl) return undefined;
    return { entryUrl: this.deps.entryUrl, leaseSeconds: this.deps.leaseSeconds };
  }

  start(): void {
    // A third of the lease: two renewals may fail (database hiccup) before the lease lapses.
    this.#timer = setInterval(() => {
      this.#renewing ??= this.#renew().finally(() => (this.#renewing = undefined));
    }, (this.deps.leaseSeconds * 1000) / 3);
    this.#timer.unref();
  }

  /** Takes the room if nobody live holds it, and says who does. */
  async claim(examId: string): Promise<RoomOwner> {
    const holder = await claimRoomLease(this.deps.db, {
      examId,
      nodeId: this.deps.nodeId,
      nodeUrl: this.deps.nodeUrl,
      leaseSeconds: this.deps.leaseSeconds,
    });
    const mine = holder.nodeId === this.deps.nodeId;
    if (mine) this.#pending.set(examId, Date.now() + this.deps.leaseSeconds * 1000);
    return { ...holder, mine };
  }

  /** The last person left the room: give it back so any node may take it at once. */
  async release(examId: string): Promise<void> {
    this.#pending.delete(examId);
    await releaseRoomLeases(this.deps.db, this.deps.nodeId, [examId]);
  }

  /** Shutdown: stop renewing and give every room back (their browsers move on reconnect). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
    this.#pending.clear();
    await releaseRoomLeases(this.deps.db, this.deps.nodeId).catch((err: unknown) =>
      this.deps.log.warn({ err }, 'could not release room leases; they expire on their own'),
    );
  }

  async #renew(): Promise<void> {
    const now = Date.now();
    for (const [examId, until] of this.#pending) if (until <= now) this.#pending.delete(examId);
    const live = new Set(this.deps.liveRooms());
    const held = [...new Set([...live, ...this.#pending.keys()])];
    try {
      const renewed = new Set(
        await renewRoomLeases(this.deps.db, { nodeId: this.deps.nodeId, examIds: held, leaseSeconds: this.deps.leaseSeconds }),
      );
      for (const examId of held) if (!renewed.has(examId)) this.#pending.delete(examId);
      // A live room without a row (released in a race with a join) is simply claimed again.
      const lost: string[] = [];
      for (const examId of live) {
        if (!renewed.has(examId) && !(await this.claim(examId)).mine) lost.push(examId);
      }
      if (lost.length > 0) {
        this.deps.log.warn({ examIds: lost }, 'another media node took over rooms held here; moving their clients');
        this.deps.onLost(lost);
      }
    } catch (err) {
      this.deps.log.error({ err }, 'renewing room leases failed');
    }
  }
}
