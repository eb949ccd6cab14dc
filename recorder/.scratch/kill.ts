import { stat } from 'node:fs/promises';
import { StreamRecorder } from '../src/stream-recorder.ts';
import { probe } from '../src/ffmpeg.ts';
import { createRouter, logger, publish, sleep, waitForMedia } from '../test/media-fixtures.ts';
const { worker, router } = await createRouter();
for (const kind of ['video', 'audio'] as const) {
  const pub = await publish(router, kind);
  await waitForMedia(pub.producer);
  const out = `/tmp/ffx/killed-${kind}-${Date.now()}.webm`;
  const rec = await StreamRecorder.start({ router, producer: pub.producer, outputPath: out, logger });
  rec.on('error', () => {});
  for (let i = 0; i < 6; i++) { await sleep(500); console.log(kind, (i + 1) * 0.5, 's', (await stat(out).then(s=>s.size,()=>-1))); }
  process.kill(rec.pid!, 'SIGKILL');
  await rec.stop();
  console.log(kind, 'after kill', (await stat(out).then(s=>s.size,()=>-1)), await probe(out).catch((e) => e.message.slice(0, 100)));
  await pub.close();
}
worker.close();
