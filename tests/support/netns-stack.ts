/**
 * A media node whose candidates sit behind a real network link (#12): the node (HTTP,
 * socket.io and mediasoup's ICE) listens on the host end of a veth pair, the candidate's
 * Chromium runs in the namespace at the other end, the proctor's Chromium on the host
 * (it reaches the same address locally, so cutting the candidate's link leaves it alone).
 */
import type { Browser } from 'playwright-core';
import { mediaConfigFromEnv } from '@proctor/sfu';
import { launchBrowser } from './browser.ts';
import { createNetns, type Netns } from './netns.ts';
import { startStack, type Stack } from './stack.ts';

export interface NetnsStack {
  ns: Netns;
  stack: Stack;
  /** Chromium inside the namespace: candidates only. */
  candidateBrowser: Browser;
  /** Chromium on the host: proctors. */
  proctorBrowser: Browser;
  close(): Promise<void>;
}

export async function startNetnsStack({ candidates = 1, dropGraceMs }: { candidates?: number; dropGraceMs?: number } = {}): Promise<NetnsStack> {
  const ns = await createNetns();
  const opened: Array<() => Promise<unknown>> = [() => ns.close()];
  const close = async () => {
    for (const fn of opened.splice(0).reverse()) await fn().catch((err: unknown) => console.error('[netns-stack] close:', err));
  };
  try {
    const stack = await startStack({
      candidates,
      node: {
        host: ns.hostIp,
        // ICE candidates name the veth address: the only one the namespace can reach.
        media: { ...mediaConfigFromEnv(), numWorkers: 2, listenIp: ns.hostIp },
        ...(dropGraceMs ? { dropGraceMs } : {}),
      },
    });
    opened.push(() => stack.close());
    // Only localhost is a secure context by itself; the pages need camera and screen APIs.
    const secure = [`--unsafely-treat-insecure-origin-as-secure=${stack.node.url}`];
    const candidateBrowser = await launchBrowser(secure, undefined, ns.chromiumPath);
    opened.push(() => candidateBrowser.close());
    const proctorBrowser = await launchBrowser(secure);
    opened.push(() => proctorBrowser.close());
    return { ns, stack, candidateBrowser, proctorBrowser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
