/** Worker-thread entry of a recording tap (tap-host.ts `thread` mode): one TapReceiver. */
import { parentPort } from 'node:worker_threads';
import type { TapReply, TapRequest } from './tap-host.ts';
import { TapReceiver } from './tap-receiver.ts';

const port = parentPort!;
const reply = (msg: TapReply) => port.postMessage(msg);
const receiver = await TapReceiver.open('127.0.0.1', (hole) => reply({ hole }));

port.on('message', async (req: TapRequest) => {
  try {
    let value: unknown;
    if (req.op === 'addTrack') receiver.addTrack(req.spec);
    else if (req.op === 'closeTrack') value = await receiver.closeTrack(req.ssrc);
    else if (req.op === 'stats') value = receiver.stats();
    else if (req.op === 'close') await receiver.close();
    reply({ id: req.id, ok: true, value });
    if (req.op === 'close') port.close();
  } catch (error) {
    reply({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
reply({ ready: receiver.port });
