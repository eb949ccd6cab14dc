/**
 * Production front end to end: a real Caddy (the shipped infra/caddy/Caddyfile, `tls
 * internal`) terminates HTTPS for a media node; Chromium trusts Caddy's root CA through its
 * NSS database, like a managed exam machine, and opens the links under a host name that is
 * not localhost, so camera and screen work only because the origin is secure. A candidate
 * publishes through the front and the proctor's grid decodes them. The node's `/metrics`
 * port, apart from the public one, then shows that candidate, their streams and traffic.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Browser } from 'playwright-core';
import { useStack, type Stack } from '../support/stack.ts';
import { startCaddy, type Caddy } from '../support/caddy.ts';
import { launchTrustingBrowser } from '../support/trusted-browser.ts';
import { launchBrowser } from '../support/browser.ts';
import { openCandidate, openProctor, waitFramesIncreasing, waitPublishing } from '../support/pages.ts';
import { metricValue, scrape } from '../support/metrics.ts';

const HOST = 'exam.proctor.test';

describe('HTTPS through Caddy with its internal CA', () => {
  let stack: Stack;
  let caddy: Caddy;
  let trusting: Awaited<ReturnType<typeof launchTrustingBrowser>>;
  let browser: Browser;
  useStack({ candidates: 2, workers: 1, node: { metrics: { host: '127.0.0.1', port: 0 } } }, (s) => (stack = s));
  beforeAll(async () => {
    caddy = await startCaddy({ host: HOST, upstream: `127.0.0.1:${stack.node.port}` });
    trusting = await launchTrustingBrowser(caddy.rootCertificate, [HOST]);
    browser = trusting.browser;
  });
  afterAll(async () => {
    await trusting?.close();
    await caddy?.stop();
  });

  const candidateLink = (sessionId: string) => `${caddy.origin}/exam?token=${stack.token({ role: 'candidate', sessionId })}`;
  const proctorLink = () =>
    `${caddy.origin}/proctor/exams/${stack.seed.examId}/live?token=${stack.token({ role: 'proctor', userId: stack.seed.proctorUserId })}`;

  it('is refused by a browser that does not trust the CA (trust is real, no errors ignored)', async () => {
    const untrusting = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
    try {
      const page = await untrusting.newPage();
      await assert.rejects(page.goto(candidateLink(stack.seed.sessions[1]!.sessionId)), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: caddy.httpPort, path: '/exam', headers: { host: HOST } }, resolve).on('error', reject),
    );
    res.resume();
    assert.equal(res.statusCode, 308);
    assert.match(res.headers.location ?? '', new RegExp(`^https://${HOST.replaceAll('.', '\\.')}`));
  });

  it('carries a candidate to the proctor over https:// and reports them at /metrics', async () => {
    const { sessionId } = stack.seed.sessions[0]!;
    const proctor = await openProctor(browser, proctorLink());
    const candidate = await openCandidate(browser, candidateLink(sessionId));
    const origin = await candidate.evaluate(() => ({ protocol: location.protocol, host: location.hostname, secure: isSecureContext }));
    assert.deepEqual(origin, { protocol: 'https:', host: HOST, secure: true });
    const published = await waitPublishing(candidate, 1, 60_000);
    // Without TURN the browser reaches the node directly (turn-relay.test.ts is the relay case).
    assert.equal(published.iceCandidateType, 'host');
    await proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`).waitFor({ timeout: 30_000 });
    await proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`).getByTestId('toggle-screen').click();
    await waitFramesIncreasing(proctor, [
      { sessionId, source: 'camera' },
      { sessionId, source: 'screen' },
    ]);

    // Two scrapes a few seconds apart: counters only grow, and media keeps flowing between them.
    const first = await scrape(stack.node.metricsUrl!);
    await new Promise((r) => setTimeout(r, 3000));
    const text = await scrape(stack.node.metricsUrl!);
    assert.equal(metricValue(text, 'proctor_live_people', { role: 'candidate' }), 1);
    assert.equal(metricValue(text, 'proctor_live_people', { role: 'proctor' }), 1);
    assert.equal(metricValue(text, 'proctor_live_rooms'), 1);
    for (const source of ['camera', 'microphone', 'screen']) assert.equal(metricValue(text, 'proctor_producers', { source }), 1, source);
    assert.ok(metricValue(text, 'proctor_consumers', { kind: 'video' })! >= 2, 'camera and screen consumed by the proctor');
    assert.equal(metricValue(text, 'proctor_recordings_active'), 3);
    const packetsIn = metricValue(text, 'proctor_rtp_packets_total', { direction: 'in' })!;
    const packetsOut = metricValue(text, 'proctor_rtp_packets_total', { direction: 'out' })!;
    assert.ok(packetsIn > metricValue(first, 'proctor_rtp_packets_total', { direction: 'in' })!, 'packets keep arriving');
    assert.ok(packetsOut > metricValue(first, 'proctor_rtp_packets_total', { direction: 'out' })!, 'packets keep going out');
    assert.ok(metricValue(text, 'proctor_rtp_packets_lost_total', { direction: 'in' })! < packetsIn * 0.05, 'little loss on loopback');
    assert.ok(metricValue(text, 'proctor_recorder_bytes_total')! > metricValue(first, 'proctor_recorder_bytes_total')!, 'recordings grow');
    assert.ok(metricValue(text, 'proctor_recorder_lag_seconds')! < 10, 'recorders keep writing');
    assert.ok(metricValue(text, 'proctor_mediasoup_worker_cpu_seconds_total', { worker: '0' })! > 0);
    assert.ok(metricValue(text, 'proctor_socket_request_duration_seconds_count', { event: 'candidate:join', outcome: 'ok' })! >= 1);
    assert.ok(metricValue(text, 'proctor_socket_request_duration_seconds_count', { event: 'produce', outcome: 'ok' })! >= 3);
    assert.ok(metricValue(text, 'proctor_http_request_duration_seconds_count', { method: 'GET', route: '/api/candidate/journey', code: '200' })! >= 1);
    assert.ok(metricValue(text, 'proctor_http_request_duration_seconds_count', { method: 'GET', route: '(static)', code: '200' })! >= 1);
    assert.equal(metricValue(text, 'proctor_job_queue_jobs', { queue: 'recording-finalise', state: 'failed' }), 0);

    // The public side (through Caddy, or the node's own port) has no /metrics.
    const pub = await fetch(`http://127.0.0.1:${stack.node.port}/metrics`);
    assert.doesNotMatch(await pub.text(), /proctor_live_people/);
    await candidate.context().close();
    await proctor.context().close();
  });
});
