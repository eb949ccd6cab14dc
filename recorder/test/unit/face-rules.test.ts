/** The pure rules from per-frame face analyses to violation intervals (no models involved). */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { FaceObservation, FrameAnalysis } from '../../src/face/face-analyser.ts';
import { MIN_FACE_BRIGHTNESS, MIN_FACE_WIDTH_PX, faceQuality } from '../../src/face/face-quality.ts';
import {
  DECISION_RULES,
  HEAD_TURNED_YAW_DEG,
  OTHER_PERSON_SIMILARITY,
  classifyFrame,
  intervalsFromFrames,
  type FaceViolationType,
  type FrameFinding,
} from '../../src/face/face-rules.ts';

const face = (over: Partial<FaceObservation> = {}): FaceObservation => ({
  score: 0.9,
  box: [0.3, 0.3, 0.3, 0.3],
  yaw: 0,
  pitch: 0,
  widthPx: 150,
  brightness: 120,
  quality: 'ok',
  embedding: [1],
  ...over,
});
const LIT = { mean: 110, hi: 230, denoised: false, tooDark: false };
const frame = (...faces: FaceObservation[]): FrameAnalysis => ({ faces, light: LIT });
// Similarity stand-in for the model: the embedding's first number is the similarity to the reference.
const sim = (_ref: number[], e: number[]) => e[0]!;
const types = (f: FrameFinding) => [...f.types].sort();

describe('classifyFrame', () => {
  it('names no face, several faces, another person and a turned head', () => {
    assert.deepEqual(types(classifyFrame(frame(), [1], sim)), ['no_face']);
    assert.deepEqual(types(classifyFrame(frame(face(), face()), [1], sim)), ['multiple_faces']);
    assert.deepEqual(types(classifyFrame(frame(face({ embedding: [OTHER_PERSON_SIMILARITY - 0.01] })), [1], sim)), ['other_person']);
    assert.deepEqual(types(classifyFrame(frame(face({ embedding: [OTHER_PERSON_SIMILARITY + 0.01] })), [1], sim)), []);
    assert.deepEqual(types(classifyFrame(frame(face({ yaw: -(HEAD_TURNED_YAW_DEG + 1) })), [1], sim)), ['head_turned']);
    assert.deepEqual(types(classifyFrame(frame(face({ yaw: HEAD_TURNED_YAW_DEG - 1 })), [1], sim)), []);
  });

  it('does not judge identity without a reference', () => {
    assert.deepEqual(types(classifyFrame(frame(face({ embedding: [0] })), null, sim)), []);
  });

  it('abstains on identity when the face is too small, too dark or turned, instead of calling it another person', () => {
    for (const quality of ['too_small', 'too_dark', 'turned'] as const) {
      const f = classifyFrame(frame(face({ quality, embedding: [0] })), [1], sim);
      assert.deepEqual(types(f), [], quality);
      assert.deepEqual([...f.abstain], ['other_person'], quality);
    }
  });
});

describe('classifyFrame on a frame too dark to judge', () => {
  const dark = (...faces: FaceObservation[]): FrameAnalysis => ({ faces, light: { mean: 12, hi: 40, denoised: true, tooDark: true } });
  it('is neither no face nor another person when no face is found', () => {
    const f = classifyFrame(dark(), [1], sim);
    assert.equal(f.outcome, 'too_dark');
    assert.deepEqual(types(f), []);
  });
  it('still judges a face that was found in it', () => {
    assert.equal(classifyFrame(dark(face()), [1], sim).outcome, 'judged');
    assert.deepEqual(types(classifyFrame(dark(face(), face()), [1], sim)), ['multiple_faces']);
  });
  it('splits "no face" around a dark stretch instead of joining it into one violation', () => {
    const step = (atMs: number, analysis: FrameAnalysis) => ({ atMs, finding: classifyFrame(analysis, [1], sim) });
    const run = [step(0, frame()), step(3000, dark()), step(6000, dark()), step(9000, frame()), step(12000, frame(face()))];
    assert.deepEqual(intervalsFromFrames(run, 3000), []);
  });
});

describe('faceQuality', () => {
  it('gates on crop width, brightness and yaw', () => {
    assert.equal(faceQuality({ widthPx: MIN_FACE_WIDTH_PX, brightness: MIN_FACE_BRIGHTNESS, yaw: 0 }), 'ok');
    assert.equal(faceQuality({ widthPx: MIN_FACE_WIDTH_PX - 1, brightness: 120, yaw: 0 }), 'too_small');
    assert.equal(faceQuality({ widthPx: 150, brightness: MIN_FACE_BRIGHTNESS - 1, yaw: 0 }), 'too_dark');
    assert.equal(faceQuality({ widthPx: 150, brightness: 120, yaw: -40 }), 'turned');
    assert.equal(faceQuality({ widthPx: 150, brightness: 120, yaw: null }), 'ok');
  });
});

describe('intervalsFromFrames (k of the last n samples)', () => {
  const f = (atMs: number, ...t: FaceViolationType[]): { atMs: number; finding: FrameFinding } => ({
    atMs,
    finding: { outcome: 'judged', types: new Set(t), abstain: new Set(), confidence: 0.8 },
  });
  const unjudged = (atMs: number): { atMs: number; finding: FrameFinding } => ({ atMs, finding: { outcome: 'judged', types: new Set<FaceViolationType>(), abstain: new Set<FaceViolationType>(['other_person']), confidence: 0.8 } });
  const spans = (out: ReturnType<typeof intervalsFromFrames>) => out.map((i) => [i.type, i.startMs, i.endMs]);

  it('states the rules it applies', () => {
    assert.deepEqual(DECISION_RULES.other_person, { k: 2, n: 3 });
    assert.deepEqual(DECISION_RULES.no_face, { k: 2, n: 3 });
  });

  it('ignores a single bad sample', () => {
    assert.deepEqual(intervalsFromFrames([f(0), f(3000, 'no_face'), f(6000), f(9000, 'multiple_faces'), f(12000), f(15000, 'other_person'), f(18000)], 3000), []);
  });

  it('opens at the first agreeing sample and ends one step after the last', () => {
    const out = intervalsFromFrames([f(0), f(3000, 'no_face'), f(6000, 'no_face'), f(9000), f(12000), f(15000)], 3000);
    assert.deepEqual(spans(out), [['no_face', 3000, 9000]]);
    assert.equal(out[0]!.confidence, 0.8);
  });

  it('k of n tolerates one disagreeing sample inside a run', () => {
    const run = [f(0, 'other_person'), f(3000, 'other_person'), f(6000), f(9000, 'other_person'), f(12000, 'other_person'), f(15000), f(18000)];
    assert.deepEqual(spans(intervalsFromFrames(run, 3000)), [['other_person', 0, 15000]]);
    // Two agreeing samples four apart are not enough.
    assert.deepEqual(intervalsFromFrames([f(0, 'other_person'), f(3000), f(6000), f(9000, 'other_person'), f(12000)], 3000), []);
  });

  it('frames that cannot judge identity neither open nor close "another person"', () => {
    const run = [f(0, 'other_person'), unjudged(3000), f(6000, 'other_person'), unjudged(9000), f(12000, 'other_person'), f(15000), f(18000)];
    assert.deepEqual(spans(intervalsFromFrames(run, 3000)), [['other_person', 0, 15000]]);
    assert.deepEqual(intervalsFromFrames([unjudged(0), unjudged(3000), unjudged(6000), unjudged(9000)], 3000), [], 'too dark to judge is not another person');
  });

  it('keeps a turned head only when two consecutive samples show it', () => {
    assert.deepEqual(intervalsFromFrames([f(0, 'head_turned'), f(3000)], 3000), [], 'one 3 s sample is a glance');
    assert.deepEqual(spans(intervalsFromFrames([f(0, 'head_turned'), f(3000, 'head_turned'), f(6000)], 3000)), [['head_turned', 0, 6000]]);
  });

  it('tracks overlapping findings of different types independently', () => {
    const out = intervalsFromFrames([f(0, 'other_person', 'head_turned'), f(3000, 'other_person', 'head_turned'), f(6000, 'other_person')], 3000);
    assert.deepEqual(spans(out), [
      ['head_turned', 0, 6000],
      ['other_person', 0, 9000],
    ]);
  });
});
