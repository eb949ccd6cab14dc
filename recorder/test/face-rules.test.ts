/** The pure rules from per-frame face analyses to violation intervals (no models involved). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaceObservation, FrameAnalysis } from '../src/face/face-analyser.ts';
import { HEAD_TURNED_YAW_DEG, OTHER_PERSON_SIMILARITY, classifyFrame, intervalsFromFrames, type FaceViolationType, type FrameFinding } from '../src/face/face-rules.ts';

const face = (over: Partial<FaceObservation> = {}): FaceObservation => ({ score: 0.9, box: [0.3, 0.3, 0.3, 0.3], yaw: 0, pitch: 0, embedding: [1], ...over });
const frame = (...faces: FaceObservation[]): FrameAnalysis => ({ faces });
// Similarity stub: the embedding's first number is the similarity to the reference.
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
});

describe('intervalsFromFrames', () => {
  const f = (atMs: number, ...t: FaceViolationType[]) => ({ atMs, finding: { types: new Set(t), confidence: 0.8 } });

  it('turns runs of frames into intervals ending at the next sample', () => {
    const out = intervalsFromFrames([f(0), f(3000, 'no_face'), f(6000, 'no_face'), f(9000), f(12000, 'multiple_faces')], 3000);
    assert.deepEqual(
      out.map((i) => [i.type, i.startMs, i.endMs]),
      [
        ['no_face', 3000, 9000],
        ['multiple_faces', 12000, 15000],
      ],
    );
    assert.equal(out[0]!.confidence, 0.8);
  });

  it('keeps a turned head only when it lasts at least the minimum', () => {
    assert.deepEqual(intervalsFromFrames([f(0, 'head_turned'), f(3000)], 3000), [], 'one 3 s sample is a glance');
    const long = intervalsFromFrames([f(0, 'head_turned'), f(3000, 'head_turned'), f(6000)], 3000);
    assert.deepEqual(long.map((i) => [i.type, i.startMs, i.endMs]), [['head_turned', 0, 6000]]);
  });

  it('tracks overlapping findings of different types independently', () => {
    const out = intervalsFromFrames([f(0, 'other_person', 'head_turned'), f(3000, 'other_person', 'head_turned'), f(6000, 'other_person')], 3000);
    assert.deepEqual(
      out.map((i) => [i.type, i.startMs, i.endMs]),
      [
        ['head_turned', 0, 6000],
        ['other_person', 0, 9000],
      ],
    );
  });
});
