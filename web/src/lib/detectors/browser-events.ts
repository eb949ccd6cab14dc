/**
 * Browser events: the exam tab hidden, the window losing focus, fullscreen left, copy /
 * paste / cut, and a second display attached (`screen.isExtended`, Chromium). Each
 * condition becomes an interval through IntervalBuilder; clipboard actions are momentary.
 *
 * Focus is read with `document.hasFocus()`, never from the window's `blur`: clicking into
 * the assessment's frame blurs this window but keeps the document focused (the frame is
 * part of it), so working in the test is not "focus lost"; another tab or window is.
 */
import type { ViolationTypeName } from '@proctor/signaling/contract';
import { IntervalBuilder, type IntervalEvents } from './interval.ts';

export interface ViolationSink extends IntervalEvents {
  pulse(type: ViolationTypeName, at: number, confidence?: number): void;
}

/** A flicker shorter than this is not a violation (alt-tab through, a notification). */
const MIN_MS = 1000;
const RELEASE_MS = 300;
const TICK_MS = 250;

/** Chromium's Window Management additions to `screen` (isExtended, and a `change` event). */
type ScreenWithExtended = Screen & { isExtended?: boolean } & Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;

export interface BrowserEventOptions {
  /**
   * Window mode (the assessment in its own window): where the candidate is when this page
   * lacks focus. true: in the assessment window (it reported so), false: not there (it is
   * closed, or reported no focus), null: unknown (it cannot report; nothing is counted).
   */
  examWindowFocus?: () => boolean | null;
  /** Whether fullscreen is expected now; not in window mode, where the popup ends it. Default always. */
  fullscreen?: () => boolean;
}

export function watchBrowserEvents(sink: ViolationSink, now: () => number = Date.now, options: BrowserEventOptions = {}): () => void {
  const opts = { minMs: MIN_MS, releaseMs: RELEASE_MS };
  const hidden = new IntervalBuilder('tab_hidden', sink, opts);
  const unfocused = new IntervalBuilder('focus_lost', sink, opts);
  const notFullscreen = new IntervalBuilder('fullscreen_exit', sink, opts);
  const secondDisplay = new IntervalBuilder('second_display', sink, opts);
  const screenInfo = window.screen as ScreenWithExtended;

  const sample = () => {
    const t = now();
    const isHidden = document.visibilityState === 'hidden';
    // Away from the exam unless the assessment window has (or may have) the focus.
    const away = (options.examWindowFocus ? options.examWindowFocus() : false) === false;
    hidden.sample(isHidden && away, t);
    // A hidden tab has no focus either; count it once, as tab_hidden.
    unfocused.sample(!isHidden && !document.hasFocus() && away, t);
    const fullscreenExpected = options.fullscreen ? options.fullscreen() : true;
    if (document.fullscreenEnabled) notFullscreen.sample(fullscreenExpected && document.fullscreenElement === null, t);
    if (typeof screenInfo.isExtended === 'boolean') secondDisplay.sample(screenInfo.isExtended, t);
  };
  const offs: Array<() => void> = [];
  const listen = (target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>, type: string, fn: () => void, capture = false) => {
    target.addEventListener(type, fn, capture);
    offs.push(() => target.removeEventListener(type, fn, capture));
  };
  for (const type of ['visibilitychange', 'fullscreenchange'] as const) listen(document, type, sample);
  for (const type of ['blur', 'focus'] as const) listen(window, type, sample);
  // Capture phase: a page script stopping propagation must not hide a paste.
  for (const type of ['copy', 'paste', 'cut'] as const) listen(document, type, () => sink.pulse(type, now()), true);
  // Chromium's `screen` tells when a display is attached or removed; elsewhere the tick notices.
  if (typeof screenInfo.addEventListener === 'function') listen(screenInfo as unknown as EventTarget, 'change', sample);
  const timer = setInterval(sample, TICK_MS);
  sample();

  return () => {
    clearInterval(timer);
    for (const off of offs.splice(0)) off();
    const t = now();
    for (const b of [hidden, unfocused, notFullscreen, secondDisplay]) b.flush(t);
  };
}
