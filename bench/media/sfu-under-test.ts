/** What the phase runner needs from either SFU set-up (bare mediasoup or the product path). */
import type { CandidatePlan, GeneratorReport, SinkExpect } from './protocol.ts';
import type { RecordingCheck } from './recording-gaps.ts';
import type { SocketLabels } from './socket-labels.ts';

export interface SfuPids {
  workers: number[];
  ffmpeg: number[];
  node: number[];
}

export interface SetupResult {
  candidates: CandidatePlan[];
  sinkStreams: SinkExpect['streams'];
  /** One line on where things were placed, for the log. */
  placement: string;
}

export interface SfuUnderTest {
  readonly name: 'baseline' | 'full';
  /** Kinds of the workers' UDP sockets, by port. */
  readonly labels: SocketLabels;
  pids(): SfuPids;
  /** Builds everything for the candidates; candidate i's egress goes to sinkPorts[i]. */
  setup(sinkPorts: number[]): Promise<SetupResult>;
  /** After the window (media stopped): closes the candidates' paths; the full phase checks its recordings. */
  finish(generator: GeneratorReport): Promise<RecordingCheck | undefined>;
  /** Releases everything; safe after a failure half-way. */
  close(): Promise<void>;
}
