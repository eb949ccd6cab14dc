import type { ViolationCategory } from './enums.ts';

// Stored as open text (see enums.ts); this is the set the product knows how to show and weigh.
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

/** Per-type weight (honesty points deducted per occurrence); exams store their own copy. */
export type ViolationWeights = Partial<Record<ViolationType, number>>;

// Same object as the column default in 0001_initial (kept literal there so the migration never changes).
export const DEFAULT_VIOLATION_WEIGHTS: Required<ViolationWeights> = {
  no_face: 5,
  multiple_faces: 10,
  other_person: 15,
  head_turned: 2,
  voice: 3,
  focus_lost: 5,
  tab_hidden: 5,
  fullscreen_exit: 3,
  copy: 3,
  paste: 5,
  cut: 3,
  second_display: 10,
  screen_share_stopped: 5,
  camera_stopped: 5,
  microphone_stopped: 3,
  network_lost: 1,
};
