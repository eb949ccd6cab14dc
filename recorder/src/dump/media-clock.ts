/**
 * Where a track's RTP time sits on the server's wall clock.
 *
 * The file's t = 0 is its first written frame; what the recording row needs is the wall
 * clock of that instant (`started_at`), because the report lines the camera, screen and
 * microphone files of an attempt up by it. Two estimates, both anchored to arrival times
 * (the server's clock, the dump header's `startedAtMs` + `arrivalMs`):
 *
 * - **Sender reports** (preferred): an SR maps an RTP timestamp to the sender's NTP clock,
 *   the clock lip sync uses, shared by all tracks of one sender. The smallest
 *   `arrival − NTP` over the SRs is that clock's offset plus the least network delay, and
 *   carries no encoder or pacing delay (an SR is sent the moment it is stamped).
 * - **Arrival envelope** (no usable SR): the smallest `arrival − rtpTime` over all packets,
 *   i.e. the packet that waited least. Includes the encoder's delay, so it is a little later.
 *
 * An SR estimate more than 1 s away from the envelope is not believed (a sender whose NTP
 * clock stepped, or an SR of another timeline): the envelope is used then.
 * RTP clock drift over the recording is not corrected (< 0.2 s per hour at 50 ppm).
 */

export interface SrSample {
  arrivalMs: number;
  ntpMs: number;
  /** Extended to the packets' timeline. */
  rtpTimestamp: number;
}

export type ClockSource = 'sender-report' | 'arrival';

export class MediaClock {
  private envelope = Infinity;
  private readonly reports: SrSample[] = [];

  constructor(private readonly clockRate: number) {}

  /** Every RTP packet, with its extended timestamp. */
  packet(arrivalMs: number, rtpTimestamp: number): void {
    const offset = arrivalMs - (rtpTimestamp / this.clockRate) * 1000;
    if (offset < this.envelope) this.envelope = offset;
  }

  senderReport(sample: SrSample): void {
    this.reports.push(sample);
  }

  /** Arrival-relative ms (add the dump's startedAtMs for the wall clock) of RTP time `rtpTimestamp`. */
  arrivalOf(rtpTimestamp: number): { ms: number; source: ClockSource } | null {
    if (!Number.isFinite(this.envelope)) return null;
    const byEnvelope = this.envelope + (rtpTimestamp / this.clockRate) * 1000;
    if (this.reports.length === 0) return { ms: byEnvelope, source: 'arrival' };
    let offset = Infinity;
    for (const r of this.reports) offset = Math.min(offset, r.arrivalMs - r.ntpMs);
    // The SR nearest in RTP time maps best (the sender's RTP clock drifts against NTP).
    let nearest = this.reports[0]!;
    for (const r of this.reports) {
      if (Math.abs(r.rtpTimestamp - rtpTimestamp) < Math.abs(nearest.rtpTimestamp - rtpTimestamp)) nearest = r;
    }
    const bySr = nearest.ntpMs + ((rtpTimestamp - nearest.rtpTimestamp) / this.clockRate) * 1000 + offset;
    return Math.abs(bySr - byEnvelope) <= 1000 ? { ms: bySr, source: 'sender-report' } : { ms: byEnvelope, source: 'arrival' };
  }
}
