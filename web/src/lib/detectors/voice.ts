/**
 * Speech in the room: the microphone's level (RMS over ~100 ms windows, after the browser's
 * noise suppression) above a threshold for long enough. Talking in short bursts keeps the
 * interval open through pauses of up to RELEASE_MS.
 */
import { IntervalBuilder, type IntervalEvents } from './interval.ts';

export interface VoiceOptions {
  /** dBFS a window must exceed to count as voice. */
  thresholdDb: number;
  /** Voice must go on this long before it is a violation. */
  minMs: number;
  releaseMs: number;
}

export const VOICE_DEFAULTS: VoiceOptions = { thresholdDb: -38, minMs: 4000, releaseMs: 1500 };
const WINDOW_MS = 100;

/** Level of one buffer of samples in dBFS (−Infinity for digital silence). */
export function levelDb(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return 20 * Math.log10(rms);
}

export function watchVoice(
  track: MediaStreamTrack,
  sink: IntervalEvents,
  options: VoiceOptions = VOICE_DEFAULTS,
  now: () => number = Date.now,
): () => void {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const buffer = new Float32Array(analyser.fftSize);
  const builder = new IntervalBuilder('voice', sink, options);
  const timer = setInterval(() => {
    if (track.readyState !== 'live') return;
    analyser.getFloatTimeDomainData(buffer);
    const db = levelDb(buffer);
    // Confidence: how far above the threshold, saturating 20 dB over it.
    builder.sample(db > options.thresholdDb, now(), Math.min(1, Math.max(0, (db - options.thresholdDb) / 20)));
  }, WINDOW_MS);
  // Autoplay policy: the context may start suspended until a click; the exam start is one.
  void context.resume().catch(() => undefined);
  return () => {
    clearInterval(timer);
    builder.flush(now());
    source.disconnect();
    void context.close().catch(() => undefined);
  };
}
