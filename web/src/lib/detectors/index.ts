/**
 * Starts every client-side detector of the exam phase and feeds one ViolationReporter.
 * The face detectors start once the models are loaded; if they cannot load (very old
 * browser), the other detectors still run and the failure is logged.
 */
import type { MediaSource } from '@proctor/signaling/contract';
import { watchBrowserEvents, type BrowserEventOptions } from './browser-events.ts';
import { watchTracks } from './media-tracks.ts';
import { watchVoice } from './voice.ts';
import { watchFace, type FaceWatch } from './face.ts';
import { loadFaceEngine } from './face-engine.ts';
import type { ViolationReporter } from './reporter.ts';

export interface DetectorInputs {
  reporter: ViolationReporter;
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  /** The face embedding taken at verification; null = no "other person" check. */
  verifiedEmbedding: number[] | null;
  /** Window mode's focus source and whether fullscreen is expected (browser-events.ts). */
  browser?: BrowserEventOptions;
}

export interface Detectors {
  /** The publisher's missing sources changed. */
  tracksMissing(missing: readonly MediaSource[]): void;
  /** The camera or microphone track was replaced (shared again). */
  retarget(camera: MediaStreamTrack | null, microphone: MediaStreamTrack | null): void;
  face(): FaceWatch | null;
  stop(): void;
}

export function startDetectors(inputs: DetectorInputs): Detectors {
  const { reporter } = inputs;
  const stopBrowser = watchBrowserEvents(reporter, Date.now, inputs.browser);
  const tracks = watchTracks(reporter);
  let camera = inputs.camera;
  let microphone = inputs.microphone;
  let stopVoice = microphone ? watchVoice(microphone, reporter) : null;
  let face: FaceWatch | null = null;
  let stopped = false;

  const engine = loadFaceEngine();
  const startFace = () => {
    if (!camera) return;
    const track = camera;
    engine.then(
      (e) => {
        if (!stopped && camera === track) face = watchFace(e, track, reporter, inputs.verifiedEmbedding);
      },
      (error: unknown) => console.error('[detectors] face models did not load; face checks are off', error),
    );
  };
  startFace();

  return {
    tracksMissing: (missing) => tracks.update(missing),
    retarget(nextCamera, nextMicrophone) {
      if (nextCamera !== camera) {
        face?.stop();
        face = null;
        camera = nextCamera;
        startFace();
      }
      if (nextMicrophone !== microphone) {
        stopVoice?.();
        microphone = nextMicrophone;
        stopVoice = microphone ? watchVoice(microphone, reporter) : null;
      }
    },
    face: () => face,
    stop() {
      stopped = true;
      stopBrowser();
      tracks.stop();
      stopVoice?.();
      face?.stop();
    },
  };
}
