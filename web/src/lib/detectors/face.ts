/**
 * Face detectors on the camera track, ~1 frame per second: nobody in front of the camera,
 * several faces, a different person than the one verified before the exam (embedding
 * similarity under OTHER_PERSON_SIMILARITY), and the head turned away for longer than
 * a few seconds. The loop slows down on a slow machine instead of queueing frames.
 */
import { OTHER_PERSON_SIMILARITY } from '@proctor/signaling/contract';
import { IntervalBuilder, type IntervalEvents } from './interval.ts';
import type { FaceEngine, FaceFinding } from './face-engine.ts';

export interface FaceWatchOptions {
  intervalMs: number;
  /** Head rotation (radians) beyond which the candidate is looking away. */
  maxYaw: number;
  maxPitch: number;
  /** How long each condition must last before it is a violation. */
  noFaceMs: number;
  multipleFacesMs: number;
  otherPersonMs: number;
  headTurnedMs: number;
  releaseMs: number;
}

export const FACE_DEFAULTS: FaceWatchOptions = {
  intervalMs: 1000,
  maxYaw: 0.6, // ≈ 35°
  maxPitch: 0.6,
  noFaceMs: 3000,
  multipleFacesMs: 2000,
  otherPersonMs: 3000,
  headTurnedMs: 4000,
  releaseMs: 1500,
};

export interface FaceWatch {
  stop(): void;
  /** The last analysis (tests and the overlay's diagnostics). */
  last(): FaceFinding | null;
}

export function watchFace(
  engine: FaceEngine,
  track: MediaStreamTrack,
  sink: IntervalEvents,
  verifiedEmbedding: number[] | null,
  options: FaceWatchOptions = FACE_DEFAULTS,
  now: () => number = Date.now,
): FaceWatch {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  void video.play().catch(() => undefined);

  const release = options.releaseMs;
  const noFace = new IntervalBuilder('no_face', sink, { minMs: options.noFaceMs, releaseMs: release });
  const several = new IntervalBuilder('multiple_faces', sink, { minMs: options.multipleFacesMs, releaseMs: release });
  const other = new IntervalBuilder('other_person', sink, { minMs: options.otherPersonMs, releaseMs: release });
  const turned = new IntervalBuilder('head_turned', sink, { minMs: options.headTurnedMs, releaseMs: release });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: FaceFinding | null = null;

  const step = async () => {
    if (stopped) return;
    const began = performance.now();
    if (track.readyState === 'live' && video.readyState >= 2 && video.videoWidth > 0) {
      try {
        const f = await engine.analyse(video);
        if (stopped) return;
        last = f;
        // The frame was taken when the analysis began: date the sample then.
        const t = now() - (performance.now() - began);
        // Too dark to judge is not "nobody there": it ends a no-face run instead of extending it.
        noFace.sample(f.faces === 0 && !f.tooDark, t);
        several.sample(f.faces > 1, t, f.faces > 1 ? f.score : undefined);
        // A face too small or dark to judge says nothing about who it is (no sample at all).
        if (verifiedEmbedding && f.embedding && f.judgeable) {
          const similarity = engine.similarity(verifiedEmbedding, f.embedding);
          other.sample(similarity < OTHER_PERSON_SIMILARITY, t, 1 - similarity);
        } else if (f.faces !== 1) {
          other.sample(false, t);
        }
        const away =
          f.yaw !== null && f.pitch !== null && (Math.abs(f.yaw) > options.maxYaw || Math.abs(f.pitch) > options.maxPitch);
        turned.sample(f.faces === 1 && away, t);
      } catch (error) {
        console.warn('[detectors] face analysis failed', error);
      }
    }
    const spent = performance.now() - began;
    // Never more than ~half the CPU time on analysis.
    timer = setTimeout(step, Math.max(options.intervalMs - spent, spent));
  };
  timer = setTimeout(step, 0);

  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const t = now();
      for (const b of [noFace, several, other, turned]) b.flush(t);
      video.srcObject = null;
    },
    last: () => last,
  };
}
