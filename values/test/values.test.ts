/** The one copy of the closed sets: every value has a name in every language, keys are flat. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  DECISIONS,
  DEFAULT_VIOLATION_WEIGHTS,
  LOCALES,
  labelKeys,
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
      for (const text of [l.status, l.decision, l.review, l.violation].flatMap((r) => Object.values(r))) assert.ok(text.trim(), locale);
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
});
