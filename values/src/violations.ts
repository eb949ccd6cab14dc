import type { ViolationCategory } from './sets.ts';

// Stored as open text (no CHECK, so a new detector needs no migration); this is the set the
// product knows how to show and weigh.
export const VIOLATION_TYPES = [
  'no_face',
  'multiple_faces',
  'other_person',
  'head_turned',
  'voice',
  'focus_lost',
  'tab_hidden',
  'fullscreen_exit',
  'copy',
  'paste',
  'cut',
  'screen_share_stopped',
  'camera_stopped',
  'microphone_stopped',
  'second_display',
  'network_lost',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

// Technical violations are excluded from honesty unless the exam sets count_technical.
export const VIOLATION_CATEGORY: Record<ViolationType, ViolationCategory> = {
  no_face: 'behaviour',
  multiple_faces: 'behaviour',
  other_person: 'behaviour',
  head_turned: 'behaviour',
  voice: 'behaviour',
  focus_lost: 'behaviour',
  tab_hidden: 'behaviour',
  fullscreen_exit: 'behaviour',
  copy: 'behaviour',
  paste: 'behaviour',
  cut: 'behaviour',
  second_display: 'behaviour',
  screen_share_stopped: 'technical',
  camera_stopped: 'technical',
  microphone_stopped: 'technical',
  network_lost: 'technical',
};

/** The technical types, in the order of VIOLATION_TYPES. */
export const TECHNICAL_VIOLATION_TYPES: readonly ViolationType[] = VIOLATION_TYPES.filter((t) => VIOLATION_CATEGORY[t] === 'technical');

/**
 * Per-type multiplier of the share of session time a violation lasted (see db honesty.ts):
 * deduction = weight × 100 × share, each event counting at least MIN_EVENT_MS (at most 1 % of a
 * short session, so the stretch alone takes at most the weight in points). Weight 2 on a
 * 10-minute absence in a 90-minute exam takes 22 points. Exams store their own copy.
 */
export type ViolationWeights = Partial<Record<ViolationType, number>>;

// Constructor/Examus-like multipliers: absence and a stranger weigh most, glances least.
// Instant clipboard events cost MIN_EVENT_MS × weight each (a paste ≈ 0.6 points in 90 min).
// Migration 0006 makes this the column default; a db test checks they agree.
export const DEFAULT_VIOLATION_WEIGHTS: Required<ViolationWeights> = {
  no_face: 2,
  multiple_faces: 2,
  other_person: 3,
  head_turned: 1,
  voice: 1,
  focus_lost: 1.5,
  tab_hidden: 1.5,
  fullscreen_exit: 1,
  copy: 2,
  paste: 3,
  cut: 2,
  second_display: 2,
  screen_share_stopped: 1,
  camera_stopped: 1,
  microphone_stopped: 1,
  network_lost: 1,
};
