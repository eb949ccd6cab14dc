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

export const MEDIA_PROFILES: Record<MediaProfileId, MediaProfile> = {
  grid: {
    camera: {
      width: 640, height: 360, frameRate: 15,
      layers: [{ scaleResolutionDownBy: 2, maxBitrate: 150_000 }, { scaleResolutionDownBy: 1, maxBitrate: 450_000 }],
    },
    screen: { maxFrameRate: 5, maxBitrate: 400_000, contentHint: 'detail' },
    microphone: { channels: 1, dtx: true, maxBitrate: 32_000 },
  },
  balanced: {
    camera: {
      width: 960, height: 540, frameRate: 20,
      layers: [{ scaleResolutionDownBy: 3, maxBitrate: 150_000 }, { scaleResolutionDownBy: 1, maxBitrate: 800_000 }],
    },
    screen: { maxFrameRate: 5, maxBitrate: 700_000, contentHint: 'detail' },
    microphone: { channels: 1, dtx: true, maxBitrate: 32_000 },
  },
  high: {
    camera: {
      width: 1280, height: 720, frameRate: 30,
      layers: [{ scaleResolutionDownBy: 4, maxBitrate: 150_000 }, { scaleResolutionDownBy: 2, maxBitrate: 450_000 }, { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 }],
    },
    screen: { maxFrameRate: 10, maxBitrate: 1_200_000, contentHint: 'detail' },
    microphone: { channels: 1, dtx: true, maxBitrate: 48_000 },
  },
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
