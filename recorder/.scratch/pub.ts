import { createRouter, publish, sleep } from '../test/media-fixtures.ts';
const { worker, router } = await createRouter();
const pub = await publish(router, 'video');
pub.ffmpeg.on('exit', (c, s) => console.log('sender exit', c, s));
await sleep(2000);
console.log(JSON.stringify(await pub.producer.getStats()).slice(0, 600));
console.log(JSON.stringify(await pub.transport.getStats()).slice(0, 800));
console.log(pub.transport.tuple);
await pub.close(); worker.close();
