/**
 * Shapes of the mediasoup objects that cross the socket. mediasoup (server) and
 * mediasoup-client (browser) own the full types; here we only validate enough structure
 * that a malformed message is rejected at the boundary instead of deep inside the worker.
 * Unknown keys are kept (`loose`) because mediasoup adds fields between versions.
 */
import { z } from 'zod';
import { MEDIA_PROFILE_IDS, MEDIA_SOURCES } from '@proctor/values';

export const mediaSource = z.enum(MEDIA_SOURCES);
export type MediaSource = z.infer<typeof mediaSource>;

/** An exam's media profile (#11): the name only; the numbers are @proctor/values MEDIA_PROFILES. */
export const mediaProfileId = z.enum(MEDIA_PROFILE_IDS);

/** Which mediasoup "kind" each source must have. */
export const kindOfSource: Record<MediaSource, 'audio' | 'video'> = {
  camera: 'video',
  microphone: 'audio',
  screen: 'video',
};

export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
export const uuid = z.uuid();

const fingerprint = z.object({ algorithm: z.string().max(32), value: z.string().max(256) });
export const dtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(fingerprint).min(1).max(8),
});

const codec = z.looseObject({
  mimeType: z.string().regex(/^(audio|video)\/[A-Za-z0-9._-]+$/),
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(z.looseObject({ type: z.string(), parameter: z.string().optional() })).optional(),
});

export const rtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(codec).min(1).max(16),
  headerExtensions: z.array(z.looseObject({ uri: z.string(), id: z.number().int() })).max(32).optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});

export const rtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ kind: z.enum(['audio', 'video']), mimeType: z.string(), clockRate: z.number() })).max(64).optional(),
  headerExtensions: z.array(z.looseObject({})).max(64).optional(),
});

/** A TURN server with time-limited credentials (signaling/src/media/ice-servers.ts). */
export const iceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
/** 'relay': the browser sends media only through TURN (ICE_TRANSPORT_POLICY on the node). */
export const iceTransportPolicy = z.enum(['all', 'relay']);

export const transportOptions = z.object({
  id: z.string(),
  iceParameters: z.looseObject({}),
  iceCandidates: z.array(z.looseObject({})),
  dtlsParameters: z.looseObject({}),
  iceServers: z.array(iceServer).optional(),
  iceTransportPolicy: iceTransportPolicy.optional(),
});

export type DtlsParameters = z.infer<typeof dtlsParameters>;
export type RtpParameters = z.infer<typeof rtpParameters>;
export type RtpCapabilities = z.infer<typeof rtpCapabilities>;
export type TransportOptions = z.infer<typeof transportOptions>;
export type IceServer = z.infer<typeof iceServer>;
export type IceTransportPolicy = z.infer<typeof iceTransportPolicy>;
