/**
 * From per-frame face analyses to violation intervals — the rules the server applies to
 * sampled recording frames (and the benchmark measures). Pure: no I/O, no models.
 *
 * Per frame (classifyFrame):
 *   0 faces, frame too dark to judge → no finding, outcome 'too_dark' (frame-light.ts)
 *   0 faces                          → no_face
 *   ≥ 2 faces                        → multiple_faces
 *   1 face of 'ok' quality, similarity to the verified/reference face < OTHER_PERSON_SIMILARITY → other_person
 *   1 face, |yaw| > HEAD_TURNED_YAW_DEG → head_turned
 * A single face too small, too dark or turned too far (face-quality.ts) gets no identity
 * decision: that frame abstains from "another person" instead of voting either way.
 * A frame so dark that the detector cannot be trusted (frame-light.ts, DARK_P99) and in which
 * no face was found is "too dark to judge": not "no face" (someone may sit in the dark), not
 * "another person". It votes against every finding, so a dark stretch never joins two
 * findings around it into one violation; the job counts such frames (SampleFacesOutcome).
 *
 * Over time (intervalsFromFrames): a finding becomes a violation only when at least k of the
 * last n samples that had a say show it (DECISION_RULES), so one bad frame is never a violation.
 * The interval runs from the first of those samples to one sample step after the last sample
 * that showed it (the finding is assumed to hold until the next sample said otherwise).
 */
import type { FrameAnalysis } from './face-analyser.ts';

export type FaceViolationType = 'no_face' | 'multiple_faces' | 'other_person' | 'head_turned';

/**
 * Below this descriptor similarity (cosine, face-recognition.ts) a judgeable face is "another
 * person". On the tuning half of the identity set (bench/detect, recorder/README.md) exam
 * frames against verification photos were separated between 0.917 (1 % of impostor frames
 * above) and 0.944 (the equal-error point, no error); this sits inside, nearer the impostors:
 * 0.1 % of impostor frames pass, no same-person frame fell below. k-of-n (below) absorbs the
 * odd same-person frame that dips under it. The contract keeps a copy for the browser
 * (signaling/src/contract/api/journey.ts; a test checks they agree).
 */
export const OTHER_PERSON_SIMILARITY = 0.93;
/**
 * The identity check before the exam passes at or above this similarity between the webcam
 * photo and the administrator's reference photo: just above the lowest threshold whose
 * false-accept rate was ≤ 1 % on the tuning half of the identity set (0.918; at 0.92: 0.7 %
 * false accepts, no false reject; `pnpm bench:detect --split tuning`).
 * A failed check lets the candidate retry; the contract keeps a copy (journey.ts).
 */
export const VERIFICATION_MIN_SIMILARITY = 0.92;
/** Looking at a second screen or notes turns the head well past this. */
export const HEAD_TURNED_YAW_DEG = 35;
/** One frame every SAMPLE_EVERY_MS of a camera recording is analysed. */
export const SAMPLE_EVERY_MS = 3_000;

export interface DecisionRule {
  /** Samples (of the last `n` that had a say) that must show the finding. */
  k: number;
  n: number;
}

/**
 * k of the last n samples, at one sample every SAMPLE_EVERY_MS. Two of three for absence, a
 * second face and another person: one bad frame never makes a violation, and a 3-sample clip
 * of an impostor is still caught when one frame is unclear. (3 of 4 for another person missed
 * 6.5 % of impostor frames on the tuning half: short clips with one unclear frame.) A turned
 * head must hold for two consecutive samples (≥ 5 s: a glance is not a violation).
 */
export const DECISION_RULES: Record<FaceViolationType, DecisionRule> = {
  no_face: { k: 2, n: 3 },
  multiple_faces: { k: 2, n: 3 },
  other_person: { k: 2, n: 3 },
  head_turned: { k: 2, n: 2 },
};

/** Whether the frame could be judged at all ('too_dark': no face found in a frame too dark to see one). */
export type FrameOutcome = 'judged' | 'too_dark';

export interface FrameFinding {
  outcome: FrameOutcome;
  types: Set<FaceViolationType>;
  /** Types this frame cannot judge (another person, when the face is too small/dark/turned). */
  abstain: Set<FaceViolationType>;
  /** Confidence of the frame's decisive face(s), or of "no face" (1 − best rejected score). */
  confidence: number;
}

export function classifyFrame(frame: FrameAnalysis, reference: number[] | null, similarity: (a: number[], b: number[]) => number): FrameFinding {
  const types = new Set<FaceViolationType>();
  const abstain = new Set<FaceViolationType>();
  const faces = frame.faces;
  if (faces.length === 0) {
    if (frame.light.tooDark) return { outcome: 'too_dark', types, abstain, confidence: 0 };
    return { outcome: 'judged', types: new Set(['no_face']), abstain, confidence: 1 };
  }
  if (faces.length >= 2) {
    types.add('multiple_faces');
    return { outcome: 'judged', types, abstain, confidence: Math.min(faces[0]!.score, faces[1]!.score) };
  }
  const face = faces[0]!;
  if (reference) {
    if (face.quality !== 'ok' || !face.embedding) abstain.add('other_person');
    else if (similarity(reference, face.embedding) < OTHER_PERSON_SIMILARITY) types.add('other_person');
  }
  if (face.yaw !== null && Math.abs(face.yaw) > HEAD_TURNED_YAW_DEG) types.add('head_turned');
  return { outcome: 'judged', types, abstain, confidence: face.score };
}

export interface FaceInterval {
  type: FaceViolationType;
  startMs: number;
  endMs: number;
  /** Mean confidence over the frames that showed the finding. */
  confidence: number;
}

interface Vote {
  atMs: number;
  yes: boolean;
  confidence: number;
}

/** The k-of-n decision for one type over a sample sequence (abstaining samples skipped). */
function decide(type: FaceViolationType, votes: Vote[], stepMs: number, rule: DecisionRule): FaceInterval[] {
  const out: FaceInterval[] = [];
  const window: Vote[] = [];
  let open: { startMs: number; lastYesMs: number; sum: number; n: number; counted: Set<Vote> } | null = null;
  const close = () => {
    if (open) out.push({ type, startMs: open.startMs, endMs: open.lastYesMs + stepMs, confidence: open.sum / open.n });
    open = null;
  };
  for (const vote of votes) {
    window.push(vote);
    if (window.length > rule.n) window.shift();
    const yes = window.filter((v) => v.yes);
    if (yes.length >= rule.k) {
      open ??= { startMs: yes[0]!.atMs, lastYesMs: yes[0]!.atMs, sum: 0, n: 0, counted: new Set() };
      for (const v of yes) {
        if (open.counted.has(v)) continue;
        open.counted.add(v);
        open.lastYesMs = Math.max(open.lastYesMs, v.atMs);
        open.sum += v.confidence;
        open.n += 1;
      }
    } else if (open) {
      close();
    }
  }
  close();
  return out;
}

/** Violation intervals (offsets in the recording) from per-frame findings, by DECISION_RULES. */
export function intervalsFromFrames(
  frames: Array<{ atMs: number; finding: FrameFinding }>,
  stepMs: number,
  rules: Record<FaceViolationType, DecisionRule> = DECISION_RULES,
): FaceInterval[] {
  const out: FaceInterval[] = [];
  for (const type of Object.keys(rules) as FaceViolationType[]) {
    const votes = frames
      .filter((f) => !f.finding.abstain.has(type))
      .map((f) => ({ atMs: f.atMs, yes: f.finding.types.has(type), confidence: f.finding.confidence }));
    out.push(...decide(type, votes, stepMs, rules[type]));
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.type.localeCompare(b.type));
}
