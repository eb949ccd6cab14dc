/**
 * How the finalise jobs replace a recording's file (finalise-recording.ts, finalise-dump.ts):
 * the new file is written under a hidden name beside its target (same filesystem, so the
 * rename is atomic), then fsynced, renamed over the target, and the directory fsynced. At
 * every instant one complete file exists under the recorded name, also across a crash.
 */
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/** `.<name>.<purpose>-<pid>-<ms><ext>` beside `target`. */
export function tempPathBeside(target: string, purpose: string): string {
  const ext = path.extname(target);
  return path.join(path.dirname(target), `.${path.basename(target, ext)}.${purpose}-${process.pid}-${Date.now()}${ext}`);
}

async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the complete `tmp` the file named `target`, durably. */
export async function commitFile(tmp: string, target: string): Promise<void> {
  await fsyncPath(tmp);
  await rename(tmp, target);
  await fsyncPath(path.dirname(target));
}
