/**
 * HTML → A4 PDF with Debian's headless Chromium (playwright-core, no browser download).
 *
 * One browser is launched on first use and shared by every render (launching costs ~1 s
 * and ~100 MB; a page costs little). It is closed after IDLE_CLOSE_MS without renders so
 * an idle jobs process does not keep Chromium resident. Renders run through a small
 * semaphore so a burst of reports cannot open dozens of pages on a 2-core machine.
 *
 * Fonts: callers name "DejaVu Sans" / "Noto Sans" explicitly in their CSS; PDF_BASE_CSS
 * below does it for them. Chromium's default fallback (Liberation) has no Kazakh letters
 * (ә ғ қ ң ө ұ ү һ і), which would come out as empty boxes.
 */
import { type Browser, chromium } from 'playwright-core';
import { chromiumPathFromEnv } from '../config.ts';

/** Font stack that covers Latin, Cyrillic and the Kazakh letters. */
export const PDF_FONT_FAMILY = "'DejaVu Sans', 'Noto Sans', sans-serif";

/** Minimal CSS every printed document should start with (font + exact colours). */
export const PDF_BASE_CSS = `html,body{font-family:${PDF_FONT_FAMILY};-webkit-print-color-adjust:exact;print-color-adjust:exact}`;

export interface RenderPdfOptions {
  landscape?: boolean;
}

const IDLE_CLOSE_MS = 60_000;
const MAX_CONCURRENT_PAGES = 2;
/** A self-contained document (inline CSS, data-URI images) renders in well under this. */
const RENDER_TIMEOUT_MS = 60_000;

let browserPromise: Promise<Browser> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let active = 0;
const waiting: Array<() => void> = [];

function launch(): Promise<Browser> {
  if (!browserPromise) {
    const launching = chromium.launch({
      executablePath: chromiumPathFromEnv(),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    browserPromise = launching;
    launching.then(
      (browser) => browser.on('disconnected', () => {
        if (browserPromise === launching) browserPromise = null;
      }),
      () => {
        if (browserPromise === launching) browserPromise = null;
      },
    );
  }
  return browserPromise;
}

async function acquire(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  if (active < MAX_CONCURRENT_PAGES) {
    active++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) {
    next(); // the slot passes straight to the next waiter
    return;
  }
  active--;
  if (active === 0) {
    idleTimer = setTimeout(() => void closePdfBrowser(), IDLE_CLOSE_MS);
    idleTimer.unref();
  }
}

/** Renders a self-contained HTML document (no network) to an A4 PDF. */
export async function renderPdf(html: string, opts: RenderPdfOptions = {}): Promise<Buffer> {
  await acquire();
  try {
    const browser = await launch();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(RENDER_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({
        format: 'A4',
        landscape: opts.landscape ?? false,
        printBackground: true,
        preferCSSPageSize: true,
        margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await context.close().catch(() => undefined);
    }
  } finally {
    release();
  }
}

/** Closes the shared browser now (tests, shutdown). The next render launches a new one. */
export async function closePdfBrowser(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const pending = browserPromise;
  browserPromise = null;
  if (!pending) return;
  const browser = await pending.catch(() => null);
  await browser?.close().catch(() => undefined);
}
