/** Command line of `pnpm bench:media`. */
import { parseArgs } from 'node:util';

export interface Options {
  candidates: number;
  seconds: number;
  warmupSec: number;
  roomSize: number;
  finalise: boolean;
  keep: boolean;
  only: 'baseline' | 'full' | undefined;
}

export const USAGE = `pnpm bench:media --candidates N --seconds S [--warmup W] [--room-size R] [--no-finalise] [--keep] [--only baseline|full]
  N candidates (camera in 2 simulcast layers + microphone + screen each), S measured seconds after W
  seconds of warm-up (default 5); R candidates per exam room (default 25). The full path is also
  measured at 50, 100, 200, 300 candidates below N ("curve"). --no-finalise skips the finalise jobs
  (convertRealtimeFactor null); --keep keeps the recordings directory; --only runs one phase.`;

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  // Whole seconds keep the media-time window on frame boundaries for every clip (15, 5 and 50 fps).
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"\n${USAGE}`);
  return n;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'), // `pnpm bench:media -- --candidates 5` passes the separator through
    options: {
      candidates: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'room-size': { type: 'string' },
      'no-finalise': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only;
  if (only !== undefined && only !== 'baseline' && only !== 'full') throw new Error(`--only must be baseline or full\n${USAGE}`);
  return {
    candidates: positiveInt('candidates', values.candidates, 10),
    seconds: positiveInt('seconds', values.seconds, 30),
    warmupSec: positiveInt('warmup', values.warmup, 5, 0),
    roomSize: positiveInt('room-size', values['room-size'], 25),
    finalise: !values['no-finalise'],
    keep: values.keep,
    only,
  };
}
