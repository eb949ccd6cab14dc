// Closed sets the schema checks (CHECK constraints in migrations) and TypeScript types.
// The migrations freeze their own copy of these lists: changing one here needs a new migration.

export const LOCALES = ['kk', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const SESSION_STATUSES = ['not_started', 'in_progress', 'finished'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

// The manual only shows the default ("Нет решения") and that the reviewer picks one;
// these are the outcomes a reviewing proctor can record.
export const DECISIONS = ['none', 'admitted', 'not_admitted', 'annulled'] as const;
export type Decision = (typeof DECISIONS)[number];

export const REVIEW_STATUSES = ['not_viewed', 'viewed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** What a candidate publishes (and the recorder stores): one track each. */
export const MEDIA_SOURCES = ['camera', 'microphone', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export const VIOLATION_CATEGORIES = ['behaviour', 'technical'] as const;
export type ViolationCategory = (typeof VIOLATION_CATEGORIES)[number];
