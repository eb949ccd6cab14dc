import * as mediasoup from 'mediasoup';
import { routerCodecs, publish, sleep } from '../test/media-fixtures.ts';
const worker = await mediasoup.createWorker({ logLevel: 'debug', logTags: ['rtp', 'rtcp'] });
const router = await worker.createRouter({ mediaCodecs: routerCodecs });
const pub = await publish(router, 'video');
await sleep(1500);
console.log(JSON.stringify(await pub.producer.getStats()).slice(0, 600));
await pub.close(); worker.close();
