/**
 * Whether RTP still arrives on a candidate's send transport (#12). A cut link shows no ICE
 * state change on the node for a long time (mediasoup's ICE goes `disconnected` only when
 * consent checks stop for ~30 s) and the socket's ping timeout takes up to 20 s, but the
 * camera and microphone send packets all the time (the microphone has no DTX), so a second
 * without any RTP is a drop. Polls the transport's counters; calls `onChange(false)` once the
 * media stops and `onChange(true)` when it flows again.
 */
import type * as ms from 'mediasoup/types';

export const RTP_POLL_MS = 250;
/** No RTP for this long = the media path is down. */
export const RTP_INACTIVE_MS = 1_000;

export function watchRtpActivity(transport: ms.WebRtcTransport, onChange: (active: boolean) => void): () => void {
  let bytes = -1;
  let lastGrowth = Date.now();
  let active = false;
  let polling = false;
  const timer = setInterval(() => {
    if (polling || transport.closed) return;
    polling = true;
    transport
      .getStats()
      .then(([stat]) => {
        const now = Date.now();
        const received = stat?.rtpBytesReceived ?? 0;
        if (received > bytes && bytes >= 0 && received > 0) {
          lastGrowth = now;
          if (!active) {
            active = true;
            onChange(true);
          }
        } else if (active && now - lastGrowth >= RTP_INACTIVE_MS) {
          active = false;
          onChange(false);
        }
        bytes = received;
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, RTP_POLL_MS);
  timer.unref?.();
  const stop = () => clearInterval(timer);
  transport.observer.once('close', stop);
  return stop;
}
