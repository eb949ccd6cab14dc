/**
 * Camera, microphone or screen sharing stopped: the publisher lists sources whose track
 * ended (`missing`); each is a (technical) violation until the candidate shares it again.
 */
import type { MediaSource, ViolationTypeName } from '@proctor/signaling/contract';
import { IntervalBuilder, type IntervalEvents } from './interval.ts';

const TYPE: Record<MediaSource, ViolationTypeName> = {
  camera: 'camera_stopped',
  microphone: 'microphone_stopped',
  screen: 'screen_share_stopped',
};

export interface TrackWatch {
  /** The sources currently missing, at time `now`. */
  update(missing: readonly MediaSource[], now?: number): void;
  stop(now?: number): void;
}

export function watchTracks(sink: IntervalEvents): TrackWatch {
  // A track's end is definite (no flicker), so no debounce.
  const builders = (Object.keys(TYPE) as MediaSource[]).map(
    (source) => [source, new IntervalBuilder(TYPE[source], sink, { minMs: 0, releaseMs: 0 })] as const,
  );
  return {
    update(missing, now = Date.now()) {
      for (const [source, builder] of builders) builder.sample(missing.includes(source), now);
    },
    stop(now = Date.now()) {
      for (const [, builder] of builders) builder.flush(now);
    },
  };
}
