// Seeds. media-demo: the minimal set for the media path (tests, `pnpm start` demo).
// realistic-demo: six weeks of exams, 300 candidates and 1000 sessions with attempts,
// connection events, violations, honesty and decisions (Results page, statistics).
// recorded-demo: one finished exam whose four sessions have real one-minute recordings.
export {
  MEDIA_DEMO_ADMIN_EMAIL,
  MEDIA_DEMO_EXAM_NAME,
  MEDIA_DEMO_PROCTOR_EMAIL,
  type MediaDemo,
  type MediaDemoOptions,
  seedMediaDemo,
} from './media-demo.ts';
export { makeIin } from './iin.ts';
export {
  REALISTIC_DEMO_GROUPS,
  REALISTIC_DEMO_PROCTORS,
  type RealisticDemo,
  type RealisticDemoOptions,
  seedRealisticDemo,
} from './realistic-demo.ts';
export {
  RECORDED_DEMO_EXAM_NAME,
  type RecordedDemo,
  type RecordedDemoFile,
  type RecordedDemoMedia,
  type RecordedDemoMediaKey,
  seedRecordedDemo,
} from './recorded-demo.ts';
