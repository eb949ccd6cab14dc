/**
 * Records one mediasoup producer to a file with ffmpeg, without re-encoding.
 *
 * Path of the media: producer → (router) → consumer on a PlainTransport bound to
 * 127.0.0.1 → plain RTP/RTCP over UDP → `ffmpeg -f sdp -i <tmp>.sdp -c copy` → WebM
 * (Matroska for codecs WebM does not admit).
 *
 * Choices, each forced by something observed with ffmpeg 5.1:
 * - rtcpMux false: ffmpeg's SDP input binds the m= port for RTP and port + 1 for RTCP,
 *   so the transport is connected to exactly that pair and the SDP needs no a=rtcp.
 * - The SDP is a temporary file (removed when ffmpeg exits). Not a pipe: ffmpeg turns
 *   off its stdin commands ('q') whenever an input name starts with "pipe:". And no
 *   `-nostdin`, for the same reason.
 * - `-listen_timeout -1`: by default the SDP demuxer ends the input after 10 s without
 *   packets, i.e. a producer paused for 10 s would end its recording.
 * - The consumer starts paused and is resumed only once ffmpeg has bound its port;
 *   otherwise the first keyframe goes to a closed port. Keyframes are then requested
 *   every 500 ms until one has gone out, so the file starts decodable (ffmpeg cannot
 *   even write a VP8 WebM header before it has seen one: "dimensions not set").
 * - Stop: 'q' on stdin is only read between packets, so it is sent while media still
 *   flows (consumer open); if ffmpeg is still running after a grace period (no packets,
 *   or still probing) SIGINT follows; it only ends ffmpeg's main loop at the next packet,
 *   which never comes once the producer is gone, so SIGKILL follows at a deadline. The
 *   file then lacks its trailer (no duration, no cues; the finalise job repairs that).
 *   Not a second SIGINT: it fires ffmpeg's interrupt callback, which also aborts writes
 *   half-way and once left a cluster with a garbage timestamp (a 12 s file probed as
 *   7580 s). ffmpeg blocked in its read has flushed everything, so SIGKILL loses nothing
 *   beyond the open cluster. The consumer and transport are closed once ffmpeg is gone.
 * - `-cluster_time_limit 100 -flush_packets 1`: the Matroska muxer holds the open
 *   cluster in memory, so this bounds what an interrupted or killed ffmpeg (or a crashed
 *   node) loses to about 0.1 s; with 1 s clusters every recording ended 1 s short
 *   (bench:media's recordingGapSeconds).
 * - ffmpeg is started under `setpriv --pdeathsig INT` when available, so a crashed
 *   media node does not leave an ffmpeg blocked forever on its UDP ports; it gets
 *   SIGINT and closes its file properly.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type * as ms from 'mediasoup/types';
import type { Logger } from 'pino';
import { findSetpriv, resolveFfmpeg } from './ffmpeg.ts';
import { isUdpPortBound, type PortPair, type PortPool, sharedPortPool } from './port-pool.ts';
import { buildSdp, type Container, containerFor, mediaCodecOf } from './sdp.ts';

export interface StreamRecorderOptions {
  router: ms.Router;
  producer: ms.Producer;
  /** Absolute path of the file to write; its directory is created. Never overwritten. */
  outputPath: string;
  /** Default: resolveFfmpeg().ffmpeg. */
  ffmpegPath?: string;
  logger: Logger;
  /** Default: the process-wide pool (RECORDER_RTP_MIN_PORT/MAX_PORT, 45000–49999). */
  portPool?: PortPool;
  /** Interval of keyframe requests until the first keyframe went out. Default 500 ms. */
  keyframeRequestIntervalMs?: number;
  /** How long ffmpeg may take to bind its ports after spawn. Default 5 s. */
  readyTimeoutMs?: number;
  /** How long 'q' is given before SIGINT. Default 1 s. */
  quitGraceMs?: number;
  /** How long SIGINT is given (trailer writing) before SIGKILL. Default 5 s. */
  killTimeoutMs?: number;
}

export interface StopResult {
  /** Size of the file on disk after ffmpeg exited (0 if it wrote nothing). */
  bytes: number;
  /** When stop() was called: the end of the recorded content. */
  endedAt: Date;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** How ffmpeg ended: 'q', 'SIGINT', 'SIGKILL', or 'exited' (it had already ended). */
  stoppedBy: 'q' | 'SIGINT' | 'SIGKILL' | 'exited';
}

export interface RecorderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when ffmpeg ended without stop() being called. */
  expected: boolean;
}

export type SourceCloseReason = 'producerclose' | 'routerclose' | 'transportclose';

interface StreamRecorderEvents {
  /** ffmpeg died without stop() (crash, killed, bad input). Emitted after 'exit'. */
  error: [Error];
  exit: [RecorderExit];
  /** The producer or router is gone; the owner should call stop(). */
  sourceclose: [SourceCloseReason];
}

type FfmpegChild = ChildProcessByStdio<Writable, null, Readable>;

const STDERR_TAIL = 4000;

export class StreamRecorder extends EventEmitter<StreamRecorderEvents> {
  readonly outputPath: string;
  readonly producerId: string;
  readonly kind: ms.MediaKind;
  /** e.g. 'video/VP8'. */
  readonly mimeType: string;
  readonly container: Container;
  readonly startedAt = new Date();
  /** When the first keyframe was forwarded to ffmpeg (video only). */
  firstKeyframeAt: Date | undefined;

  private readonly logger: Logger;
  private readonly opts: StreamRecorderOptions;
  private transport: ms.PlainTransport | undefined;
  private consumer: ms.Consumer | undefined;
  private ports: PortPair | undefined;
  private child: FfmpegChild | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  private markExited!: () => void;
  private stderrTail = '';
  private keyframeTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<StopResult> | undefined;
  private cleanedUp = false;
  private sdpPath: string | undefined;

  private constructor(opts: StreamRecorderOptions) {
    super();
    this.opts = opts;
    this.outputPath = opts.outputPath;
    this.producerId = opts.producer.id;
    this.kind = opts.producer.kind;
    this.mimeType = mediaCodecOf(opts.producer.rtpParameters).mimeType;
    this.container = containerFor(this.mimeType).format;
    this.logger = opts.logger.child({ producerId: opts.producer.id, file: opts.outputPath });
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  static async start(opts: StreamRecorderOptions): Promise<StreamRecorder> {
    const recorder = new StreamRecorder(opts);
    try {
      await recorder.init();
      return recorder;
    } catch (error) {
      await recorder.abort();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get rtpPorts(): PortPair | undefined {
    return this.ports;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** Last lines ffmpeg wrote to stderr (for error messages). */
  get ffmpegLog(): string {
    return this.stderrTail;
  }

  private async init(): Promise<void> {
    const { router, producer } = this.opts;
    const ext = containerFor(this.mimeType).extension;
    if (path.extname(this.outputPath) !== ext) {
      throw new Error(`${this.mimeType} is recorded into ${ext}, but the output path is ${this.outputPath}`);
    }
    await mkdir(path.dirname(this.outputPath), { recursive: true });

    const pool = this.opts.portPool ?? sharedPortPool();
    this.ports = await pool.acquire();

    this.transport = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: false,
      appData: { purpose: 'recording', producerId: producer.id },
    });
    await this.transport.connect({ ip: pool.host, port: this.ports.rtpPort, rtcpPort: this.ports.rtcpPort });

    // The router's capabilities narrowed to the producer's codec: one codec in the SDP,
    // no RTX (ffmpeg sends no NACKs) and no header extensions (ffmpeg ignores them).
    const codecs = (router.rtpCapabilities.codecs ?? []).filter(
      (c) => c.kind === producer.kind && c.mimeType.toLowerCase() === this.mimeType.toLowerCase(),
    );
    const rtpCapabilities: ms.RtpCapabilities = { codecs, headerExtensions: [] };
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new Error(`router cannot consume producer ${producer.id} (${this.mimeType}) for recording`);
    }
    this.consumer = await this.transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    this.consumer.on('producerclose', () => this.emit('sourceclose', 'producerclose'));
    this.consumer.on('transportclose', () => this.emit('sourceclose', 'transportclose'));
    this.transport.on('routerclose', () => this.emit('sourceclose', 'routerclose'));

    const sdp = buildSdp({
      rtpParameters: this.consumer.rtpParameters,
      kind: this.consumer.kind,
      rtpPort: this.ports.rtpPort,
      ip: pool.host,
    });
    this.sdpPath = path.join(os.tmpdir(), `proctor-recorder-${randomUUID()}.sdp`);
    await writeFile(this.sdpPath, sdp, { mode: 0o600 });
    this.spawnFfmpeg(this.sdpPath, pool.host);
    await this.waitUntilListening();
    // ffmpeg parses the SDP before it binds the ports; remove it now so a crash leaves nothing.
    await unlink(this.sdpPath).catch(() => {});
    this.sdpPath = undefined;

    await this.consumer.resume();
    if (this.kind === 'video') await this.requestKeyFramesUntilOne();
    this.logger.info(
      { pid: this.child?.pid, rtpPort: this.ports.rtpPort, codec: this.mimeType, consumerType: this.consumer.type },
      'recording started',
    );
  }

  private spawnFfmpeg(sdpPath: string, host: string): void {
    const ffmpeg = this.opts.ffmpegPath ?? resolveFfmpeg().ffmpeg;
    const args = [
      '-hide_banner',
      '-nostats',
      '-loglevel', 'warning',
      '-protocol_whitelist', 'file,udp,rtp',
      '-listen_timeout', '-1',
      // Without this ffmpeg binds 0.0.0.0 and anyone who can reach the port could inject
      // RTP into a candidate's recording.
      '-localaddr', host,
      // 1 MiB socket buffer (the kernel default is ~208 KiB): a screen keyframe is a burst
      // of 100+ packets, and a busy machine can deschedule ffmpeg for a while.
      '-buffer_size', '1048576',
      '-fflags', '+genpts',
      '-f', 'sdp',
      '-i', sdpPath,
      '-map', '0',
      '-c', 'copy',
      // Close a cluster every second and flush it: otherwise the muxer keeps ~5 s (and
      // at first everything) in memory, and a killed ffmpeg leaves an empty file.
      '-cluster_time_limit', '100',
      '-flush_packets', '1',
      '-f', this.container,
      '-n',
      this.outputPath,
    ];
    const setpriv = findSetpriv();
    const [bin, argv] = setpriv ? [setpriv, ['--pdeathsig', 'INT', '--', ffmpeg, ...args]] : [ffmpeg, args];
    const child = spawn(bin, argv, { stdio: ['pipe', 'ignore', 'pipe'] }) as FfmpegChild;
    this.child = child;

    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      for (const line of chunk.split('\n')) if (line.trim()) this.logger.debug({ ffmpeg: line.trim() }, 'ffmpeg');
    });
    // Writing 'q' after ffmpeg has gone raises EPIPE; the exit handler reports the exit.
    child.stdin.on('error', () => {});

    child.on('error', (err) => {
      // Spawn failure (ENOENT/EACCES): no 'exit' follows.
      this.stderrTail += `\n${err.message}`;
      this.onExit(null, null);
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitInfo) return;
    this.exitInfo = { code, signal };
    this.markExited();
    const expected = this.stopping !== undefined;
    this.emit('exit', { code, signal, expected });
    if (expected) return;
    const error = new Error(
      `ffmpeg exited unexpectedly (code ${code}, signal ${signal}): ${this.stderrTail.trim().split('\n').slice(-5).join(' | ')}`,
    );
    this.logger.error({ err: error }, 'recorder died');
    void this.cleanup();
    // An 'error' without listeners would throw from here and take the process down.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 5000);
    const port = this.ports!.rtpPort;
    while (Date.now() < deadline) {
      if (this.exitInfo) throw new Error(`ffmpeg exited during start-up: ${this.stderrTail.trim()}`);
      const bound = await isUdpPortBound(port);
      if (bound === undefined) {
        // No /proc: give ffmpeg a moment; the keyframe requests cover a lost first frame.
        await sleep(300);
        return;
      }
      if (bound) return;
      await sleep(25);
    }
    throw new Error(`ffmpeg did not bind UDP port ${port} within ${this.opts.readyTimeoutMs ?? 5000} ms`);
  }

  private async requestKeyFramesUntilOne(): Promise<void> {
    const consumer = this.consumer!;
    consumer.on('trace', (trace) => {
      if (trace.type !== 'keyframe' || this.firstKeyframeAt) return;
      this.firstKeyframeAt = new Date();
      this.stopKeyframeRequests();
      this.logger.debug({ afterMs: this.firstKeyframeAt.getTime() - this.startedAt.getTime() }, 'first keyframe');
      consumer.enableTraceEvent([]).catch(() => {});
    });
    await consumer.enableTraceEvent(['keyframe']);
    const request = () => {
      if (consumer.closed) return this.stopKeyframeRequests();
      consumer.requestKeyFrame().catch(() => {});
    };
    request();
    this.keyframeTimer = setInterval(request, this.opts.keyframeRequestIntervalMs ?? 500);
    this.keyframeTimer.unref();
  }

  private stopKeyframeRequests(): void {
    if (this.keyframeTimer) clearInterval(this.keyframeTimer);
    this.keyframeTimer = undefined;
  }

  /** Ends the recording; safe to call more than once (later calls get the same result). */
  stop(): Promise<StopResult> {
    return (this.stopping ??= this.doStop());
  }

  private async doStop(): Promise<StopResult> {
    const endedAt = new Date();
    this.stopKeyframeRequests();
    let stoppedBy: StopResult['stoppedBy'] = 'exited';
    const child = this.child;
    if (child && !this.exitInfo) {
      stoppedBy = 'q';
      child.stdin.end('q');
      if (!(await this.waitExit(this.opts.quitGraceMs ?? 1000))) {
        stoppedBy = 'SIGINT';
        child.kill('SIGINT');
        if (!(await this.waitExit(this.opts.killTimeoutMs ?? 5000))) {
          stoppedBy = 'SIGKILL';
          this.logger.warn('ffmpeg ignored SIGINT; killing it (the file will lack its trailer until finalised)');
          child.kill('SIGKILL');
          await this.waitExit(5000);
        }
      }
    }
    await this.cleanup();
    const bytes = await fileSize(this.outputPath);
    const result: StopResult = {
      bytes,
      endedAt,
      exitCode: this.exitInfo?.code ?? null,
      exitSignal: this.exitInfo?.signal ?? null,
      stoppedBy,
    };
    this.logger.info({ ...result, stopMs: Date.now() - endedAt.getTime() }, 'recording stopped');
    return result;
  }

  private async waitExit(ms: number): Promise<boolean> {
    if (this.exitInfo) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Releases mediasoup objects and ports; idempotent. */
  private async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.stopKeyframeRequests();
    try {
      this.consumer?.close();
    } catch {
      /* already closed with its transport or router */
    }
    try {
      this.transport?.close();
    } catch {
      /* already closed with its router */
    }
    if (this.ports) (this.opts.portPool ?? sharedPortPool()).release(this.ports);
    if (this.sdpPath) await unlink(this.sdpPath).catch(() => {});
  }

  /** Start failed half-way: undo whatever was set up. */
  private async abort(): Promise<void> {
    this.stopping ??= Promise.resolve({
      bytes: 0,
      endedAt: new Date(),
      exitCode: null,
      exitSignal: null,
      stoppedBy: 'exited',
    });
    if (this.child && !this.exitInfo) {
      this.child.kill('SIGKILL');
      await this.waitExit(2000);
    }
    await this.cleanup();
    // ffmpeg creates its output file before any media arrives; don't leave an empty one.
    if ((await fileSize(this.outputPath)) === 0) await unlink(this.outputPath).catch(() => {});
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
