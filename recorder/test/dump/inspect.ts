/** What the tests check in a converted file, read by ffprobe and by walking its EBML. */
import { readFile } from 'node:fs/promises';
import { run } from '../../src/ffmpeg.ts';

export interface Probed {
  durationSec: number;
  /** The file's DateUTC as ffprobe reads it (format tag creation_time). */
  creationTime: string | null;
  packets: { ptsSec: number; keyframe: boolean }[];
}

export async function probePackets(file: string): Promise<Probed> {
  const res = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:format_tags=creation_time:packet=pts_time,flags', '-of', 'json', file]);
  if (res.code !== 0) throw new Error(`ffprobe failed: ${res.stderr}`);
  const json = JSON.parse(res.stdout) as { format: { duration: string; tags?: { creation_time?: string } }; packets: { pts_time: string; flags: string }[] };
  return {
    durationSec: Number(json.format.duration),
    creationTime: json.format.tags?.creation_time ?? null,
    packets: json.packets.map((p) => ({ ptsSec: Number(p.pts_time), keyframe: p.flags.includes('K') })),
  };
}

/** The decoded size of every frame (decodes the whole file: small test files only). */
export async function frameSizes(file: string): Promise<string[]> {
  const res = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=width,height', '-of', 'csv=p=0', file]);
  if (res.code !== 0) throw new Error(`ffprobe failed: ${res.stderr}`);
  return res.stdout.trim().split('\n').map((l) => l.trim().replace(',', 'x'));
}

/** Decodes everything; returns ffmpeg's complaints (empty for a clean file). */
export async function decodeErrors(file: string, seekSec?: number): Promise<string> {
  const seek = seekSec === undefined ? [] : ['-ss', String(seekSec)];
  const res = await run('ffmpeg', ['-nostdin', '-v', 'error', ...seek, '-i', file, '-f', 'null', '-']);
  return res.code === 0 ? res.stderr.trim() : `exit ${res.code}: ${res.stderr}`;
}

function readVint(buf: Buffer, at: number, keepMarker: boolean): { value: number; length: number } {
  const first = buf[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + buf[at + i]!;
  return { value, length };
}

/** Top-level children of the Segment (IDs in hex), and the Cues' cue times in ms. */
export async function segmentLayout(file: string): Promise<{ children: string[]; cueTimesMs: number[]; segmentSizeKnown: boolean }> {
  const buf = await readFile(file);
  let at = 0;
  const children: string[] = [];
  const cueTimesMs: number[] = [];
  let segmentSizeKnown = false;
  while (at < buf.length) {
    const id = readVint(buf, at, true);
    const size = readVint(buf, at + id.length, false);
    const data = at + id.length + size.length;
    if (id.value === 0x18538067) {
      segmentSizeKnown = data + size.value === buf.length;
      for (let c = data; c < buf.length; ) {
        const cid = readVint(buf, c, true);
        const csize = readVint(buf, c + cid.length, false);
        const cdata = c + cid.length + csize.length;
        children.push(cid.value.toString(16));
        if (cid.value === 0x1c53bb6b) {
          // CuePoint (bb) → CueTime (b3) first.
          for (let p = cdata; p < cdata + csize.value; ) {
            const pid = readVint(buf, p, true);
            const psize = readVint(buf, p + pid.length, false);
            const pdata = p + pid.length + psize.length;
            const tid = readVint(buf, pdata, true);
            const tsize = readVint(buf, pdata + tid.length, false);
            if (tid.value === 0xb3) cueTimesMs.push(buf.readUIntBE(pdata + tid.length + tsize.length, tsize.value));
            p = pdata + psize.value;
          }
        }
        c = cdata + csize.value;
      }
      break;
    }
    at = data + size.value;
  }
  return { children, cueTimesMs, segmentSizeKnown };
}
