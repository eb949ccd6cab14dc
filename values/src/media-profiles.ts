/**
 * What a candidate sends, per exam (admin setting `exams.media_profile`). The default is
 * chosen for the proctor's grid: a tile plays the low camera layer, the focus view the high
 * one, and the screen is for reading, not motion. The bench's generator sends these rates.
 */

export const MEDIA_PROFILE_IDS = ['grid', 'balanced', 'high'] as const;
export type MediaProfileId = (typeof MEDIA_PROFILE_IDS)[number];
export const DEFAULT_MEDIA_PROFILE: MediaProfileId = 'grid';

export interface CameraLayer {
  /** Downscale from the captured size (1 = full). */
  scaleResolutionDownBy: number;
  maxBitrate: number;
}

export interface MediaProfile {
  camera: { width: number; height: number; frameRate: number; layers: CameraLayer[] };
  screen: { maxFrameRate: number; maxBitrate: number; contentHint: 'detail' };
  microphone: { channels: 1; dtx: boolean; maxBitrate: number };
}

/**
 * One profile from its numbers: the camera's size and frame rate, its simulcast layers
 * (downscale, bitrate), the screen's frame rate and bitrate, the microphone's bitrate.
 */
function profile(
  [width, height, frameRate]: [number, number, number],
  layers: [scaleResolutionDownBy: number, maxBitrate: number][],
  [maxFrameRate, screenBitrate]: [number, number],
  microphoneBitrate: number,
): MediaProfile {
  return {
    camera: { width, height, frameRate, layers: layers.map(([scaleResolutionDownBy, maxBitrate]) => ({ scaleResolutionDownBy, maxBitrate })) },
    screen: { maxFrameRate, maxBitrate: screenBitrate, contentHint: 'detail' },
    microphone: { channels: 1, dtx: true, maxBitrate: microphoneBitrate },
  };
}

export const MEDIA_PROFILES: Record<MediaProfileId, MediaProfile> = {
  grid: profile([640, 360, 15], [[2, 150_000], [1, 450_000]], [5, 400_000], 32_000),
  balanced: profile([960, 540, 20], [[3, 150_000], [1, 800_000]], [5, 700_000], 32_000),
  high: profile([1280, 720, 30], [[4, 150_000], [2, 450_000], [1, 1_500_000]], [10, 1_200_000], 48_000),
};

/** What one candidate costs under a profile, from the bitrate ceilings above (bits per second). */
export interface MediaProfileCost {
  /** Every camera layer + screen + microphone: what the candidate's uplink must carry. */
  uplinkBps: number;
  /** What is recorded: the highest camera layer + screen + microphone. */
  recordedBps: number;
  /** One hour of recordings, in megabytes (10^6 bytes). */
  storageMbPerHour: number;
}

/**
 * Upper bounds: encoders stay under maxBitrate, a still screen and a silent microphone (DTX)
 * send far less, so real recordings are usually smaller.
 */
export function mediaProfileCost(profile: MediaProfile): MediaProfileCost {
  const layers = profile.camera.layers.map((l) => l.maxBitrate);
  const rest = profile.screen.maxBitrate + profile.microphone.maxBitrate;
  const uplinkBps = layers.reduce((a, b) => a + b, 0) + rest;
  const recordedBps = Math.max(...layers) + rest;
  return { uplinkBps, recordedBps, storageMbPerHour: Math.round((recordedBps * 3600) / 8 / 1e6) };
}
