/**
 * Teardown that also runs on Ctrl-C / SIGTERM: the test database, worker processes,
 * ffmpegs, helper processes and temporary files must not outlive an interrupted run.
 */
type Cleanup = () => Promise<void>;

const stack: Cleanup[] = [];
let running: Promise<void> | undefined;

/** Registers `fn`; the returned function runs it now (once) and unregisters it. */
export function deferCleanup(fn: Cleanup): () => Promise<void> {
  let done = false;
  const once: Cleanup = async () => {
    if (done) return;
    done = true;
    const i = stack.indexOf(once);
    if (i >= 0) stack.splice(i, 1);
    await fn();
  };
  stack.push(once);
  return once;
}

/** Runs every registered cleanup, newest first; errors are logged, not thrown. */
export function cleanupAll(log: (line: string) => void): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0) {
      const fn = stack[stack.length - 1]!;
      await fn().catch((e: unknown) => log(`[bench:media] cleanup failed: ${e instanceof Error ? e.message : String(e)}`));
      if (stack[stack.length - 1] === fn) stack.pop();
    }
  })();
  return running;
}

export function cleanupOnSignals(log: (line: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`[bench:media] ${signal}: cleaning up`);
      // A second signal while cleaning up ends the process at once.
      process.once(signal, () => process.exit(130));
      void cleanupAll(log).finally(() => process.exit(130));
    });
  }
}
