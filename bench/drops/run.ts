/**
 * `pnpm bench:drops --cuts 5,20 [--repeat N]` (#12): what a real network drop costs. See
 * README.md. Progress on stderr; the last stdout line is one JSON object.
 */
import type { Page } from 'playwright-core';
import { isRoot } from '../../tests/support/netns.ts';
import { startNetnsStack, type NetnsStack } from '../../tests/support/netns-stack.ts';
import { openProctor } from '../../tests/support/pages.ts';
import { walkJourney } from '../../tests/support/journey.ts';
import { waitFor } from '../../tests/support/media.ts';
import { playingSince, tileFrames, watchTileFrames } from '../../tests/support/tile-frames.ts';
import { missingSeconds } from './coverage.ts';
import { parseOptions, type DropOptions } from './options.ts';

const log = (...args: unknown[]) => console.error('[bench:drops]', ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SOURCES = ['camera', 'microphone', 'screen'];
/** Clipboard findings the bench makes on the candidate's page during each cut. */
const CUT_VIOLATIONS = ['copy', 'paste'] as const;

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

interface ExamResult {
  joinMs: number | null;
  recoverMs: (number | null)[];
  noticeMs: (number | null)[];
  attemptsCreated: number;
  missing: Record<string, number>;
  reported: number;
  stored: number;
}

async function tileState(proctor: Page, sessionId: string): Promise<string | null> {
  return proctor.locator(`[data-testid="tile"][data-session-id="${sessionId}"]`).getAttribute('data-state', { timeout: 1_000 }).catch(() => null);
}

async function runExam(env: NetnsStack, proctor: Page, sessionId: string, opts: DropOptions): Promise<ExamResult> {
  const { ns, stack } = env;
  await watchTileFrames(proctor, sessionId);
  const context = await env.candidateBrowser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => log('candidate page error:', err.message));
  // BENCH_DROPS_DEBUG=1: the candidate page's own log (ICE restarts, socket drops), with times.
  if (process.env.BENCH_DROPS_DEBUG) {
    page.on('console', (m) => {
      if (!m.text().includes('ERR_INTERNET_DISCONNECTED')) log(`candidate console @${Date.now() % 100_000}: ${m.text()}`);
    });
    // ICE / connection states of the page's peer connections, as they change.
    // A string, not a function: the bench's compiler would add helpers the page lacks.
    await page.addInitScript(`{
      const t = () => Date.now() % 100000;
      const Pc = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Pc {
        constructor(c) {
          super(c);
          this.addEventListener('iceconnectionstatechange', () => console.info('[pc] ice ' + this.iceConnectionState + ' @' + t()));
          this.addEventListener('connectionstatechange', () => console.info('[pc] conn ' + this.connectionState + ' @' + t()));
        }
      };
      const Ws = window.WebSocket;
      window.WebSocket = class extends Ws {
        constructor(u, p) {
          super(u, p);
          this.addEventListener('open', () => console.info('[ws] open @' + t()));
          this.addEventListener('close', () => console.info('[ws] close @' + t()));
        }
      };
    }`);
  }
  await page.goto(stack.candidateUrl(sessionId));
  await walkJourney(page);

  const clickAt = Date.now();
  await page.getByTestId('start').click();
  const firstFrame = await waitFor('first frame on the proctor tile', async () => (await tileFrames(proctor, sessionId)).find((t) => t > clickAt), 60_000, 50).catch(
    () => undefined,
  );
  const joinMs = firstFrame ? firstFrame - clickAt : null;
  log(`join: first frame on the proctor tile ${joinMs} ms after the click`);

  const offline = opts.cuts.reduce((a, b) => a + b, 0);
  const gapMs = ((opts.examSeconds - offline) / (opts.cuts.length + 1)) * 1000;
  const recoverMs: (number | null)[] = [];
  const noticeMs: (number | null)[] = [];
  let reported = 0;
  let next = clickAt + gapMs;
  for (const seconds of opts.cuts) {
    await sleep(Math.max(0, next - Date.now()));
    const cutAt = Date.now();
    await ns.cut(opts.mode);
    log(`cut ${seconds} s (${opts.mode}) @${cutAt % 100_000}`);
    // The server should notice within 2 s: the proctor's tile says `reconnecting`.
    const noticed = waitFor('tile reconnecting', async () => (await tileState(proctor, sessionId)) === 'reconnecting', seconds * 1000, 100).then(
      () => Date.now() - cutAt,
      () => null,
    );
    // Findings made while offline (clipboard actions through the page's own detector).
    for (const [i, type] of CUT_VIOLATIONS.entries()) {
      await sleep(Math.max(0, cutAt + ((i + 1) * seconds * 1000) / (CUT_VIOLATIONS.length + 1) - Date.now()));
      await page.evaluate((t) => document.dispatchEvent(new Event(t, { bubbles: true })), type);
      reported++;
    }
    await sleep(Math.max(0, cutAt + seconds * 1000 - Date.now()));
    await ns.restore();
    const upAt = Date.now();
    log(`link up @${upAt % 100_000}`);
    noticeMs.push(await noticed);
    const playing = await waitFor('tile playing again', async () => playingSince(await tileFrames(proctor, sessionId), upAt), 60_000, 100).catch(() => undefined);
    recoverMs.push(playing ? playing - upAt : null);
    log(`cut ${seconds} s: server noticed after ${noticeMs.at(-1)} ms; tile playing ${recoverMs.at(-1)} ms after link-up`);
    next = Date.now() + gapMs;
  }
  await sleep(Math.max(0, clickAt + opts.examSeconds * 1000 - Date.now()));

  await page.getByTestId('finish').click();
  await page.getByTestId('finish-confirm').click();
  // Finish completes after the page uploaded the device segments the server lacks (throttled).
  await page.getByTestId('finished').waitFor({ timeout: 120_000 });
  const finishedAt = Date.now();
  await context.close();

  const attempts = await stack.db.selectFrom('attempts').select('number').where('sessionId', '=', sessionId).execute();
  // Stopping recorders takes a while (rows get endedAt when the dumps are closed), then the
  // jobs convert the dumps to WebM; coverage.ts reads either, a converted file preferably.
  const recordings = () =>
    stack.db.selectFrom('recordings').select(['source', 'path', 'startedAt', 'endedAt', 'status']).where('sessionId', '=', sessionId).execute();
  await waitFor('recordings closed', async () => ((await recordings()).every((x) => x.endedAt || x.status === 'failed') ? true : undefined), 60_000, 500);
  const settled = (r: { status: string }) => r.status === 'finalised' || r.status === 'failed';
  const rows = await waitFor('recordings converted', async () => {
    const r = await recordings();
    return r.every(settled) ? r : undefined;
  }, 60_000, 500).catch(() => recordings());
  const segments = await stack.db.selectFrom('deviceSegments').select(['source', 'path', 'startedAt', 'sha256']).where('sessionId', '=', sessionId).execute();
  const missing = await missingSeconds(rows, segments, stack.recordingsDir, [clickAt, finishedAt], SOURCES);
  log(`server recordings alone miss (s) ${JSON.stringify(missing.server)}; device segments uploaded ${segments.length}, verified ${missing.verifiedSegments}`);
  const count = (
    await stack.db.selectFrom('violations').select('id').where('sessionId', '=', sessionId).where('type', 'in', [...CUT_VIOLATIONS]).execute()
  ).length;
  log(`recordings: ${rows.length} rows; missing seconds ${JSON.stringify(missing.total)}; attempts ${attempts.length}; violations reported ${reported}, stored ${count}`);
  return { joinMs, recoverMs, noticeMs, attemptsCreated: attempts.length - 1, missing: missing.total, reported, stored: count };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!isRoot()) throw new Error('bench:drops needs root: it makes a network namespace (ip netns)');
  const env = await startNetnsStack({ candidates: opts.repeat });
  const results: ExamResult[] = [];
  try {
    log(`node on ${env.stack.node.url}; candidate in namespace ${env.ns.name} (${env.ns.nsIp})`);
    const proctor = await openProctor(env.proctorBrowser, env.stack.proctorUrl());
    for (let r = 0; r < opts.repeat; r++) {
      log(`exam ${r + 1}/${opts.repeat}`);
      results.push(await runExam(env, proctor, env.stack.seed.sessions[r]!.sessionId, opts));
    }
  } finally {
    await env.close();
  }
  const recover = results.flatMap((r) => r.recoverMs);
  // A tile that never played again counts as the whole bench's worst: null.
  const recoverMsP95 = recover.some((v) => v === null) ? null : p95(recover as number[]);
  const joins = results.map((r) => r.joinMs);
  const joinMsP95 = joins.some((v) => v === null) ? null : p95(joins as number[]);
  const notice = results.flatMap((r) => r.noticeMs);
  log(`server noticed the cut after (ms): ${JSON.stringify(notice)}; recover (ms): ${JSON.stringify(recover)}; join (ms): ${JSON.stringify(joins)}`);
  console.log(
    JSON.stringify({
      cuts: opts.cuts,
      joinMsP95,
      recoverMsP95,
      missingSecondsMax: Math.max(...results.flatMap((r) => Object.values(r.missing))),
      attemptsCreated: results.reduce((a, r) => a + r.attemptsCreated, 0),
      lostViolationEvents: results.reduce((a, r) => a + Math.max(0, r.reported - r.stored), 0),
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
