/** Command line of `pnpm bench:drops`. */
import type { CutMode } from '../../tests/support/netns.ts';

export interface DropOptions {
  /** Length of each link cut, seconds, in the order they happen within one exam. */
  cuts: number[];
  /** Exams to run one after the other (a fresh session each). */
  repeat: number;
  /** Seconds from "Start the exam" to "Finish". */
  examSeconds: number;
  mode: CutMode;
}

export const HELP = `pnpm bench:drops [--cuts 5,20] [--repeat 1] [--exam-seconds 64] [--mode link|loss]

One real Chromium candidate in its own network namespace, a proctor page on the host,
a media node on the veth address. Per exam: start, then each cut (link down S s, up
again), then finish. Needs root. The last stdout line is one JSON object.`;

export function parseOptions(argv: string[]): DropOptions {
  const opts: DropOptions = { cuts: [5, 20], repeat: 1, examSeconds: 64, mode: 'link' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg}: "${v}" is not a positive number`);
      return n;
    };
    if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    } else if (arg === '--cuts') opts.cuts = value().split(',').map(positive);
    else if (arg === '--repeat') opts.repeat = Math.round(positive(value()));
    else if (arg === '--exam-seconds') opts.examSeconds = positive(value());
    else if (arg === '--mode') {
      const m = value();
      if (m !== 'link' && m !== 'loss') throw new Error(`--mode must be link or loss, not "${m}"`);
      opts.mode = m;
    } else throw new Error(`unknown option ${arg}\n\n${HELP}`);
  }
  const offline = opts.cuts.reduce((a, b) => a + b, 0);
  // Each cut needs time around it to recover and be seen playing again.
  if (opts.examSeconds < offline + 8 * (opts.cuts.length + 1)) {
    throw new Error(`--exam-seconds ${opts.examSeconds} is too short for cuts ${opts.cuts.join(',')} (need ≥ ${offline + 8 * (opts.cuts.length + 1)})`);
  }
  return opts;
}
