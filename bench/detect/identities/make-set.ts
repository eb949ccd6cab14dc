// Rebuilds this folder from a checkout of the webmorphR.stim stimulus package (CC BY 4.0, see
// LICENSE.md): `node --import tsx bench/detect/identities/make-set.ts <checkout>`.
// Photos are downscaled (London set 1350² → 480², Lisa's to 480 px wide) and re-encoded as
// JPEG; nothing else is changed. The split into a tuning and a held-out half is by identity,
// alternating within each self-reported ethnicity × gender group so both halves hold every group.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const source = process.argv[2];
if (!source) throw new Error('usage: make-set.ts <webmorphR.stim checkout>');
const here = path.dirname(new URL(import.meta.url).pathname);
const photos = path.join(here, 'photos');
mkdirSync(photos, { recursive: true });

const shrink = (from: string, to: string, width: number) => {
  const r = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-i', from, '-vf', `scale=${width}:-2`, '-q:v', '3', path.join(photos, to)]);
  if (r.status !== 0) throw new Error(`ffmpeg failed on ${from}: ${r.stderr}`);
};

interface Identity {
  id: string;
  split: 'tuning' | 'heldOut';
  group: string;
  /** Photo files in ./photos; the first is the reference (admin's photo), the others differ from it. */
  photos: string[];
  /** How the photos differ. */
  difference: string;
}

const rows = readFileSync(path.join(source, 'data-raw/london_info.csv'), 'utf8').trim().split('\n').slice(1);
const groups = new Map<string, string[]>();
for (const row of rows) {
  const [id, , gender, eth] = row.split(',');
  const group = `${eth}/${gender}`;
  groups.set(group, [...(groups.get(group) ?? []), id!]);
}
const identities: Identity[] = [];
for (const [group, ids] of [...groups].sort()) {
  ids.sort().forEach((id, i) => {
    shrink(path.join(source, `inst/neutral_front/${id}_03.jpg`), `london-${id}-neutral.jpg`, 480);
    shrink(path.join(source, `inst/smiling_front/${id}_08.jpg`), `london-${id}-smiling.jpg`, 480);
    identities.push({ id: `london-${id}`, split: i % 2 === 0 ? 'tuning' : 'heldOut', group, photos: [`london-${id}-neutral.jpg`, `london-${id}-smiling.jpg`], difference: 'expression (same session)' });
  });
}
// Lisa DeBruine: an evening webcam series and a daylight series at 15–60 cm, different days.
const lisa = ['lisa/lisa1', 'zoom/15cm', 'zoom/30cm', 'zoom/45cm', 'zoom/60cm', 'lisa/lisa2', 'lisa/lisa3', 'lisa/lisa4'];
for (const p of lisa) shrink(path.join(source, `inst/${p}.jpg`), `lisa-${path.basename(p)}.jpg`, 480);
identities.push({ id: 'lisa', split: 'heldOut', group: 'white/female', photos: lisa.map((p) => `lisa-${path.basename(p)}.jpg`), difference: 'day, light, distance, pose' });

writeFileSync(path.join(here, 'identities.json'), JSON.stringify(identities, null, 1) + '\n');
console.log(`${identities.length} identities, ${identities.filter((i) => i.split === 'heldOut').length} held out`);
