/** The one copy of the closed sets: every value has a name in every language, keys are flat. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  DECISIONS,
  DEFAULT_VIOLATION_WEIGHTS,
  LOCALES,
  labelKeys,
  MEDIA_PROFILE_IDS,
  MEDIA_PROFILES,
  mediaProfileCost,
  REVIEW_STATUSES,
  SESSION_STATUSES,
  TECHNICAL_VIOLATION_TYPES,
  VALUE_LABELS,
  VIOLATION_CATEGORY,
  VIOLATION_TYPES,
} from '../src/index.ts';

describe('@proctor/values', () => {
  it('names every value of every set in kk, ru and en', () => {
    for (const locale of LOCALES) {
      const l = VALUE_LABELS[locale];
      assert.deepEqual(Object.keys(l.status).sort(), [...SESSION_STATUSES].sort(), locale);
      assert.deepEqual(Object.keys(l.decision).sort(), [...DECISIONS].sort(), locale);
      assert.deepEqual(Object.keys(l.review).sort(), [...REVIEW_STATUSES].sort(), locale);
      assert.deepEqual(Object.keys(l.violation).sort(), [...VIOLATION_TYPES].sort(), locale);
      assert.deepEqual(Object.keys(l.mediaProfile).sort(), [...MEDIA_PROFILE_IDS].sort(), locale);
      assert.deepEqual(Object.keys(l.mediaProfileHint).sort(), [...MEDIA_PROFILE_IDS].sort(), locale);
      for (const text of [l.status, l.decision, l.review, l.violation, l.mediaProfile, l.mediaProfileHint].flatMap((r) => Object.values(r))) assert.ok(text.trim(), locale);
    }
  });

  it('gives every violation type a category and a positive default weight', () => {
    for (const type of VIOLATION_TYPES) {
      assert.ok(VIOLATION_CATEGORY[type], type);
      assert.ok(DEFAULT_VIOLATION_WEIGHTS[type] > 0, type);
    }
    assert.deepEqual([...TECHNICAL_VIOLATION_TYPES], ['screen_share_stopped', 'camera_stopped', 'microphone_stopped', 'network_lost']);
  });

  it('flattens a set into prefixed message keys', () => {
    assert.deepEqual(labelKeys('decision.', VALUE_LABELS.en.decision), {
      'decision.none': 'No decision',
      'decision.admitted': 'Accepted',
      'decision.not_admitted': 'Not accepted',
      'decision.annulled': 'Annulled',
    });
    assert.deepEqual(labelKeys('x.', {}), {});
  });

  it("costs a profile from its bitrates: uplink = every layer, recorded = the highest camera layer + screen + mic (README's table)", () => {
    const mb = (id: keyof typeof MEDIA_PROFILES) => {
      const c = mediaProfileCost(MEDIA_PROFILES[id]);
      return [c.uplinkBps / 1000, c.recordedBps / 1000, c.storageMbPerHour];
    };
    assert.deepEqual(mb('grid'), [1032, 882, 397]);
    assert.deepEqual(mb('balanced'), [1682, 1532, 689]);
    assert.deepEqual(mb('high'), [3348, 2748, 1237]);
    for (const id of MEDIA_PROFILE_IDS) {
      const layers = MEDIA_PROFILES[id].camera.layers;
      // Lowest first, the full size last: the grid plays layer 0, the focus view the last.
      assert.equal(layers.at(-1)?.scaleResolutionDownBy, 1, id);
      assert.ok(layers.every((l, i) => i === 0 || l.maxBitrate > layers[i - 1]!.maxBitrate), id);
    }
  });
});
