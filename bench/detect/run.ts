// `pnpm bench:detect [--seconds N] [--every MS]`
//
// The server-side face detector (recorder/src/face: human node-wasm + the frame rules) on
// labelled camera clips built with ffmpeg from the pictures shipped in @vladmandic/human:
// the verified man (reference = his face-id photo) in two other photos, four other people,
// pairs of people, and six scenes without a face. Every clip is sampled like a recording
// (one frame per --every ms), each frame classified by the same classifyFrame the job uses.
// Prints per-type precision / recall / false-alarm rate and frames per second per CPU core
// (analysis CPU time only: decoding is ffmpeg's). Progress goes to stderr; the last stdout
// line is one JSON object:
//   {"frames","fpsPerCore","wallFps","noFace":{"p","r","falseAlarm"},"multiFace":{…},"otherPerson":{…}}
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BACKGROUNDS,
  type ClipScene,
  classifyFrame,
  FaceAnalyser,
  type FaceViolationType,
  makeClip,
  makePhoto,
  PORTRAITS,
  pictureFrame,
  resolveFfmpeg,
  sampleFrames,
} from '@proctor/recorder';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '6' }, every: { type: 'string', default: '1000' } } });
const seconds = Number(values.seconds);
const every = Number(values.every);
if (!(seconds > 0) || !(every > 0)) throw new Error('--seconds and --every must be positive numbers');

type Label = 'face' | 'noFace' | 'multiFace' | 'otherPerson';
const TYPE_OF: Record<Exclude<Label, 'face'>, FaceViolationType> = { noFace: 'no_face', multiFace: 'multiple_faces', otherPerson: 'other_person' };
const P = PORTRAITS;
const CLIPS: Array<{ name: string; label: Label; scene: ClipScene }> = [
  { name: 'man-large', label: 'face', scene: { kind: 'faces', faces: [P.man], size: 240 } },
  { name: 'man-small', label: 'face', scene: { kind: 'faces', faces: [P.man], size: 140 } },
  { name: 'man-match-large', label: 'face', scene: { kind: 'faces', faces: [P.manMatch], size: 220, background: '0x303840' } },
  { name: 'man-match-small', label: 'face', scene: { kind: 'faces', faces: [P.manMatch], size: 150, background: '0xb0b4b8' } },
  { name: 'woman1', label: 'otherPerson', scene: { kind: 'faces', faces: [P.woman1], size: 220 } },
  { name: 'woman2', label: 'otherPerson', scene: { kind: 'faces', faces: [P.woman2], size: 150, background: '0x303840' } },
  { name: 'woman3', label: 'otherPerson', scene: { kind: 'faces', faces: [P.woman3], size: 200, background: '0xb0b4b8' } },
  { name: 'woman4', label: 'otherPerson', scene: { kind: 'faces', faces: [P.woman4], size: 160 } },
  { name: 'man+woman1', label: 'multiFace', scene: { kind: 'faces', faces: [P.man, P.woman1], size: 180 } },
  { name: 'woman2+woman3', label: 'multiFace', scene: { kind: 'faces', faces: [P.woman2, P.woman3], size: 160, background: '0x303840' } },
  { name: 'woman4+man-match', label: 'multiFace', scene: { kind: 'faces', faces: [P.woman4, P.manMatch], size: 170, background: '0xb0b4b8' } },
  { name: 'three', label: 'multiFace', scene: { kind: 'faces', faces: [P.woman1, P.man, P.woman3], size: 150 } },
  { name: 'ceiling', label: 'noFace', scene: { kind: 'picture', picture: BACKGROUNDS.ceiling } },
  { name: 'menu', label: 'noFace', scene: { kind: 'picture', picture: BACKGROUNDS.menu } },
  { name: 'panel', label: 'noFace', scene: { kind: 'picture', picture: BACKGROUNDS.panel } },
  { name: 'texts', label: 'noFace', scene: { kind: 'picture', picture: BACKGROUNDS.texts } },
  { name: 'testsrc2', label: 'noFace', scene: { kind: 'lavfi', source: 'testsrc2' } },
  { name: 'mandelbrot', label: 'noFace', scene: { kind: 'lavfi', source: 'mandelbrot' } },
];

const log = (line: string) => process.stderr.write(`${line}\n`);
const ffmpeg = resolveFfmpeg().ffmpeg;
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-detect-'));
try {
  log(`[bench:detect] building ${CLIPS.length} clips of ${seconds} s in ${dir}`);
  await Promise.all(CLIPS.map((c) => makeClip(ffmpeg, path.join(dir, `${c.name}.webm`), c.scene, { seconds })));
  await makePhoto(ffmpeg, path.join(dir, 'reference.jpg'), P.manReference);

  const loadStart = Date.now();
  const analyser = await FaceAnalyser.shared();
  const reference = (await analyser.analyse(await pictureFrame(ffmpeg, path.join(dir, 'reference.jpg')))).faces[0]?.embedding;
  if (!reference) throw new Error('no face found in the reference photo');
  log(`[bench:detect] models loaded in ${Date.now() - loadStart} ms`);
  const similarity = (a: number[], b: number[]) => analyser.similarity(a, b);

  const results: Array<{ label: Label; predicted: Set<FaceViolationType> }> = [];
  let cpuMicros = 0;
  let wallMs = 0;
  for (const clip of CLIPS) {
    const seen: string[] = [];
    for await (const frame of sampleFrames(ffmpeg, path.join(dir, `${clip.name}.webm`), every)) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      const analysis = await analyser.analyse(frame);
      wallMs += performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpuMicros += used.user + used.system;
      const { types } = classifyFrame(analysis, reference, similarity);
      results.push({ label: clip.label, predicted: types });
      seen.push([...types].join('+') || 'ok');
    }
    log(`[bench:detect] ${clip.name.padEnd(18)} ${clip.label.padEnd(11)} ${seen.join(' ')}`);
  }

  const score = (label: Exclude<Label, 'face'>) => {
    const type = TYPE_OF[label];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let negatives = 0;
    for (const r of results) {
      const hit = r.predicted.has(type);
      if (r.label === label) hit ? tp++ : fn++;
      else {
        negatives++;
        if (hit) fp++;
      }
    }
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return { p: round(tp + fp ? tp / (tp + fp) : 1), r: round(tp + fn ? tp / (tp + fn) : 1), falseAlarm: round(negatives ? fp / negatives : 0) };
  };

  const frames = results.length;
  const summary = {
    frames,
    fpsPerCore: Math.round((frames / (cpuMicros / 1e6)) * 100) / 100,
    wallFps: Math.round((frames / (wallMs / 1000)) * 100) / 100,
    noFace: score('noFace'),
    multiFace: score('multiFace'),
    otherPerson: score('otherPerson'),
  };
  const target = (s: { r: number; falseAlarm: number }) => (s.r >= 0.95 && s.falseAlarm <= 0.02 ? 'meets' : 'MISSES');
  for (const k of ['noFace', 'multiFace', 'otherPerson'] as const) {
    log(`[bench:detect] ${k.padEnd(11)} precision ${summary[k].p}  recall ${summary[k].r}  false alarms ${summary[k].falseAlarm}  (${target(summary[k])} r ≥ 0.95, fa ≤ 0.02)`);
  }
  console.log(JSON.stringify(summary));
} finally {
  await rm(dir, { recursive: true, force: true });
}
