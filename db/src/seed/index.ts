// Seeds. media-demo: the minimal set for the media path (tests, `pnpm start` demo).
// The large realistic demo (many groups/exams, finished sessions with violations,
// recordings, honesty and decisions for the Results page) goes in a sibling
// `realistic-demo.ts` exported from here.
export {
  MEDIA_DEMO_ADMIN_EMAIL,
  MEDIA_DEMO_EXAM_NAME,
  MEDIA_DEMO_PROCTOR_EMAIL,
  type MediaDemo,
  type MediaDemoOptions,
  seedMediaDemo,
} from './media-demo.ts';
export { makeIin } from './iin.ts';
