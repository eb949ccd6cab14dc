/**
 * The exam guard inside an assessment page: hides the page until GuardCore says it is open,
 * shows why when it is not, wires the postMessage channel to the proctoring page, reports
 * the page's own focus and clipboard actions to it, and exposes `window.ProctorExamGuard`.
 *
 * Hiding is CSS on <html> (set before <body> exists, so nothing flashes when the script is
 * the first thing in <head>) plus `inert` on <body>, so nothing hidden can be focused or
 * clicked. A determined candidate with developer tools can remove any of this: the guard
 * deters and tells; the LMS can verify the assertion on its server (README: exam guard).
 */
import { GUARD_PROTOCOL, GUARD_SOURCE, type GuardMessage } from '../../contract/exam-guard-protocol.ts';
import { GuardCore, type GuardStatus } from '../guard-core/guard-core.ts';
import { guardLocale, guardText } from '../guard-core/texts.ts';
import { importGuardKey, type GuardJwk } from '../guard-core/verify.ts';

export interface GuardPageConfig {
  platformOrigin: string;
  jwk: GuardJwk;
  recheckSeconds: number;
}

export interface ProctorExamGuardApi {
  readonly status: GuardStatus;
  /** The assertion unlocking the page right now, to send to the LMS server with the answers. */
  readonly assertion: string | null;
  onChange(listener: (status: GuardStatus) => void): () => void;
  /** Tells the proctoring page the test was submitted (it offers the candidate to finish). */
  complete(): void;
}

const ATTR = 'data-proctor-guard';
const STYLE = `
html[${ATTR}]:not([${ATTR}="open"]) body { visibility: hidden !important; }
#proctor-exam-guard { position: fixed; inset: 0; z-index: 2147483647; display: none; place-items: center;
  background: #f8fafc; color: #0f172a; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
html[${ATTR}]:not([${ATTR}="open"]) #proctor-exam-guard { display: grid; }
#proctor-exam-guard > div { max-width: 560px; margin: 24px; padding: 28px 32px; background: #fff; border: 1px solid #e2e8f0;
  border-radius: 12px; box-shadow: 0 10px 30px rgb(15 23 42 / 0.08); }
#proctor-exam-guard h1 { margin: 0 0 8px; font-size: 21px; }
#proctor-exam-guard p { margin: 0; color: #475569; }`;

export function installGuard(config: GuardPageConfig): void {
  const root = document.documentElement;
  root.setAttribute(ATTR, 'checking');
  const style = document.createElement('style');
  style.textContent = STYLE;
  (document.head ?? root).appendChild(style);

  const overlay = document.createElement('div');
  overlay.id = 'proctor-exam-guard';
  overlay.setAttribute('role', 'alert');
  const card = overlay.appendChild(document.createElement('div'));
  const title = card.appendChild(document.createElement('h1'));
  const body = card.appendChild(document.createElement('p'));
  root.appendChild(overlay);

  const peer: Window | null = window.parent !== window ? window.parent : window.opener;
  const listeners = new Set<(status: GuardStatus) => void>();
  const send = (message: GuardMessage) => {
    try {
      peer?.postMessage(message, config.platformOrigin);
    } catch {
      // The opener went away: the next answer timeout locks the page.
    }
  };

  const render = (status: GuardStatus) => {
    root.setAttribute(ATTR, status.kind);
    overlay.dataset.status = status.kind;
    overlay.dataset.why = 'why' in status && status.why ? status.why : '';
    const text = guardText(status, guardLocale(root.lang, navigator.languages ?? [navigator.language]));
    if (text) {
      title.textContent = text.title;
      body.textContent = text.body;
    }
    // Nothing hidden may take focus or clicks.
    if (document.body) document.body.inert = status.kind !== 'open';
    for (const listener of listeners) listener(status);
  };

  const api: ProctorExamGuardApi = {
    get status() {
      return core?.status ?? { kind: 'checking' };
    },
    get assertion() {
      return core?.assertion ?? null;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    complete() {
      send({ source: GUARD_SOURCE, v: GUARD_PROTOCOL, type: 'complete' });
    },
  };
  Object.defineProperty(window, 'ProctorExamGuard', { value: api, configurable: false, writable: false });

  let core: GuardCore | null = null;
  render({ kind: 'checking' });
  document.addEventListener('DOMContentLoaded', () => render(core?.status ?? { kind: 'checking' }));

  importGuardKey(config.jwk).then(
    (key) => {
      core = new GuardCore({
        platformOrigin: config.platformOrigin,
        pageOrigin: location.origin,
        key,
        hasPeer: peer !== null,
        send,
        onStatus: render,
        recheckMs: config.recheckSeconds * 1000,
      });
      const c = core;
      window.addEventListener('message', (event) => void c.receive(event.origin, event.source === peer && peer !== null, event.data));
      c.start();
      setInterval(() => c.tick(), 1000);
    },
    () => render({ kind: 'blocked', why: 'not_confirmed' }),
  );

  if (!peer) return;
  // The page's own focus: in window mode the proctoring page has no other way to know the
  // candidate is working in the test rather than somewhere else.
  let last = '';
  const activity = () => {
    const message: GuardMessage = { source: GUARD_SOURCE, v: GUARD_PROTOCOL, type: 'activity', focused: document.hasFocus(), visible: document.visibilityState === 'visible' };
    const key = `${message.focused}/${message.visible}`;
    if (key !== last || Date.now() % 5000 < 1000) send(message);
    last = key;
  };
  window.addEventListener('focus', activity);
  window.addEventListener('blur', activity);
  document.addEventListener('visibilitychange', activity);
  setInterval(activity, 1000);
  // Capture phase, so a page script stopping the event cannot hide it.
  for (const action of ['copy', 'paste', 'cut'] as const) {
    document.addEventListener(action, () => send({ source: GUARD_SOURCE, v: GUARD_PROTOCOL, type: 'clipboard', action }), true);
  }
}
