/**
 * The SDP ffmpeg reads to receive one mediasoup consumer over plain RTP, and the
 * container the codec is written to.
 *
 * ffmpeg binds the `m=` port for RTP and that port + 1 for RTCP; the PlainTransport is
 * created with rtcpMux false and connected to exactly those two ports, so no `a=rtcp`
 * or `a=rtcp-mux` line is needed.
 */
import type * as ms from 'mediasoup/types';

export interface SdpOptions {
  /** The consumer's negotiated parameters (`consumer.rtpParameters`). */
  rtpParameters: ms.RtpParameters;
  kind: ms.MediaKind;
  /** Where ffmpeg listens for RTP (its RTCP port is rtpPort + 1). */
  rtpPort: number;
  /** Address ffmpeg listens on. */
  ip?: string;
}

/** Codecs that are only helpers around the media codec; never the one to record. */
const AUXILIARY = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'telephone-event', 'cn']);

export function isAuxiliaryCodec(mimeType: string): boolean {
  return AUXILIARY.has(mimeType.split('/')[1]!.toLowerCase());
}

/** The media codec of a producer/consumer (its first non-auxiliary codec). */
export function mediaCodecOf(rtpParameters: ms.RtpParameters): ms.RtpCodecParameters {
  const codec = rtpParameters.codecs.find((c) => !isAuxiliaryCodec(c.mimeType));
  if (!codec) throw new Error('rtpParameters carry no media codec');
  return codec;
}

export type Container = 'webm' | 'matroska';

/**
 * WebM only admits VP8/VP9/AV1 and Opus/Vorbis; anything else we could receive
 * (H264) goes to Matroska with the same stream copy.
 */
export function containerFor(mimeType: string): { format: Container; extension: '.webm' | '.mkv' } {
  const name = mimeType.split('/')[1]!.toLowerCase();
  if (['vp8', 'vp9', 'av1', 'opus', 'vorbis'].includes(name)) return { format: 'webm', extension: '.webm' };
  if (['h264', 'h265', 'pcmu', 'pcma', 'g722'].includes(name)) return { format: 'matroska', extension: '.mkv' };
  throw new Error(`recording codec ${mimeType} is not supported`);
}

export function buildSdp({ rtpParameters, kind, rtpPort, ip = '127.0.0.1' }: SdpOptions): string {
  const codec = mediaCodecOf(rtpParameters);
  const name = codec.mimeType.split('/')[1]!;
  const pt = codec.payloadType;
  // rtpmap's third field is the channel count, audio only (opus is always "/2").
  const rtpmap =
    kind === 'audio' && codec.channels && codec.channels > 1
      ? `${name}/${codec.clockRate}/${codec.channels}`
      : `${name}/${codec.clockRate}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');

  const lines = [
    'v=0',
    `o=- 0 0 IN IP4 ${ip}`,
    's=proctor-recorder',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=${kind} ${rtpPort} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    'a=recvonly',
  ];
  return lines.join('\r\n') + '\r\n';
}
