/** Whether a browser would let our page frame an assessment, from its headers (assessment/framing-policy.ts). */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { evaluateFraming } from '../../src/assessment/framing-policy.ts';

const US = 'https://proctor.university.kz';
const QUIZ = 'https://moodle.university.kz/mod/quiz/view.php?id=7';
const allowed = (xFrameOptions: string | null, contentSecurityPolicy: string | null, ancestor = US, page = QUIZ) =>
  evaluateFraming({ xFrameOptions, contentSecurityPolicy }, ancestor, page).allowed;

describe('framing policy', () => {
  it('follows X-Frame-Options when there is no frame-ancestors', () => {
    assert.equal(allowed(null, null), true);
    assert.equal(allowed('DENY', null), false);
    assert.equal(allowed('sameorigin', null), false, "Moodle's default without \"Allow frame embedding\"");
    assert.equal(allowed('SAMEORIGIN', null, 'https://moodle.university.kz'), true);
    assert.equal(allowed('DENY, SAMEORIGIN', null), false, 'conflicting values refuse');
    assert.equal(allowed('ALLOW-FROM https://proctor.university.kz', null), true, 'browsers ignore ALLOW-FROM');
    assert.equal(allowed('', null), true);
  });

  it('lets frame-ancestors decide over X-Frame-Options', () => {
    assert.equal(allowed('DENY', `frame-ancestors ${US}`), true);
    assert.equal(allowed(null, "frame-ancestors 'none'"), false);
    assert.equal(allowed(null, "frame-ancestors 'self'"), false);
    assert.equal(allowed(null, "default-src 'self'; frame-ancestors 'self' https://*.university.kz"), true);
    assert.equal(allowed(null, 'frame-ancestors https://*.other.kz'), false);
    assert.equal(allowed(null, 'frame-ancestors *'), true);
    assert.equal(allowed(null, 'frame-ancestors https:'), true);
    assert.equal(allowed(null, 'frame-ancestors http:', 'http://localhost:3000'), true);
    assert.equal(allowed(null, 'frame-ancestors proctor.university.kz'), true, 'scheme of the page, default port');
    assert.equal(allowed(null, 'frame-ancestors https://proctor.university.kz:8443'), false);
    assert.equal(allowed(null, 'frame-ancestors http://localhost:*', 'http://localhost:3010', 'http://127.0.0.1:4000/'), true);
    assert.equal(allowed(null, "script-src 'self'"), true, 'a policy without the directive does not restrict framing');
  });

  it('needs every enforced policy to allow it', () => {
    assert.equal(allowed(null, `frame-ancestors ${US}, frame-ancestors 'none'`), false);
    assert.equal(allowed(null, `frame-ancestors ${US}, default-src 'self'`), true);
  });
});
