/**
 * From per-frame face analyses to violation intervals — the rules the server applies to
 * sampled recording frames (and the benchmark measures). Pure: no I/O, no models.
 *
 *   0 faces                          → no_face
 *   ≥ 2 faces                        → multiple_faces
 *   1 face, similarity to the verified/reference face < OTHER_PERSON_SIMILARITY → other_person
 *   1 face, |yaw| > HEAD_TURNED_YAW_DEG, for at least HEAD_TURNED_MIN_MS       → head_turned
 *
 * A run of frames with the same finding becomes one interval from its first frame to the
 * frame after its last (the finding is assumed to hold until the next sample said otherwise).
 */
import type { FrameAnalysis } from './face-analyser.ts';

export type FaceViolationType = 'no_face' | 'multiple_faces' | 'other_person' | 'head_turned';

/**
 * Below this embedding similarity the face is "another person". Calibrated on the pictures
 * shipped with human (bench/detect): one man in two other photos scores 0.35–0.49
 * against his verification crop, other people 0.09–0.23 (and up to 0.63 among themselves, so
 * the reference must be the verified face, never "the first face seen"). Re-check with
 * `pnpm bench:detect` when the model or the camera pipeline changes.
 */
export const OTHER_PERSON_SIMILARITY = 0.3;
/** Looking at a second screen or notes turns the head well past this. */
export const HEAD_TURNED_YAW_DEG = 35;
/** A glance is not a violation: the head must stay turned this long. */
export const HEAD_TURNED_MIN_MS = 5_000;
/** One frame every SAMPLE_EVERY_MS of a camera recording is analysed. */
export const SAMPLE_EVERY_MS = 3_000;

export interface FrameFinding {
  types: Set<FaceViolationType>;
  /** Confidence of the frame's decisive face(s), or of "no face" (1 − best rejected score). */
  confidence: number;
}

export function classifyFrame(frame: FrameAnalysis, reference: number[] | null, similarity: (a: number[], b: number[]) => number): FrameFinding {
  const types = new Set<FaceViolationType>();
  const faces = frame.faces;
  if (faces.length === 0) return { types: new Set(['no_face']), confidence: 1 };
  if (faces.length >= 2) {
    types.add('multiple_faces');
    return { types, confidence: Math.min(faces[0]!.score, faces[1]!.score) };
  }
  const face = faces[0]!;
  if (reference && face.embedding && similarity(reference, face.embedding) < OTHER_PERSON_SIMILARITY) types.add('other_person');
  if (face.yaw !== null && Math.abs(face.yaw) > HEAD_TURNED_YAW_DEG) types.add('head_turned');
  return { types, confidence: face.score };
}

export interface FaceInterval {
  type: FaceViolationType;
  startMs: number;
  endMs: number;
  /** Mean confidence over the run's frames. */
  confidence: number;
}

/** Runs of consecutive frames sharing a finding, as intervals (offsets in the recording). */
export function intervalsFromFrames(frames: Array<{ atMs: number; finding: FrameFinding }>, stepMs: number): FaceInterval[] {
  const out: FaceInterval[] = [];
  const open = new Map<FaceViolationType, { startMs: number; lastMs: number; sum: number; n: number }>();
  const close = (type: FaceViolationType) => {
    const run = open.get(type)!;
    open.delete(type);
    const endMs = run.lastMs + stepMs;
    if (type === 'head_turned' && endMs - run.startMs < HEAD_TURNED_MIN_MS) return;
    out.push({ type, startMs: run.startMs, endMs, confidence: run.sum / run.n });
  };
  for (const { atMs, finding } of frames) {
    for (const type of [...open.keys()]) if (!finding.types.has(type)) close(type);
    for (const type of finding.types) {
      const run = open.get(type);
      if (run) {
        run.lastMs = atMs;
        run.sum += finding.confidence;
        run.n += 1;
      } else {
        open.set(type, { startMs: atMs, lastMs: atMs, sum: finding.confidence, n: 1 });
      }
    }
  }
  for (const type of [...open.keys()]) close(type);
  return out.sort((a, b) => a.startMs - b.startMs || a.type.localeCompare(b.type));
}
