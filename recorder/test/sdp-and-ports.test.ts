import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'vitest';
import { PortPool, isUdpPortBound } from '../src/port-pool.ts';
import { buildSdp, containerFor } from '../src/sdp.ts';
import { recordingRelativePath } from '../src/recording-service.ts';

test('SDP for a VP8 consumer', () => {
  const sdp = buildSdp({
    kind: 'video',
    rtpPort: 45000,
    rtpParameters: {
      codecs: [
        { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] },
        { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
      ],
      encodings: [{ ssrc: 1 }],
    },
  });
  assert.equal(
    sdp,
    'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=proctor-recorder\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      'm=video 45000 RTP/AVP 101\r\na=rtpmap:101 VP8/90000\r\na=recvonly\r\n',
  );
});

test('SDP for an Opus consumer carries channels and fmtp', () => {
  const sdp = buildSdp({
    kind: 'audio',
    rtpPort: 45002,
    rtpParameters: {
      codecs: [
        { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 } },
      ],
      encodings: [{ ssrc: 2 }],
    },
  });
  assert.match(sdp, /m=audio 45002 RTP\/AVP 100\r\n/);
  assert.match(sdp, /a=rtpmap:100 opus\/48000\/2\r\n/);
  assert.match(sdp, /a=fmtp:100 minptime=10;useinbandfec=1\r\n/);
});

test('H264 goes to Matroska, VP8/Opus to WebM', () => {
  assert.equal(containerFor('video/VP8').extension, '.webm');
  assert.equal(containerFor('audio/opus').extension, '.webm');
  assert.equal(containerFor('video/H264').format, 'matroska');
});

test('port pool hands out even/odd pairs, skips bound ports, takes them back', async () => {
  const pool = new PortPool({ min: 47001, max: 47010 });
  assert.equal(pool.min, 47002);
  // Occupy 47002 so the pool must skip that pair.
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => blocker.bind(47002, '127.0.0.1', resolve));
  try {
    assert.equal(await isUdpPortBound(47002), true);
    const a = await pool.acquire();
    assert.deepEqual(a, { rtpPort: 47004, rtcpPort: 47005 });
    const [b, c] = await Promise.all([pool.acquire(), pool.acquire()]);
    assert.notEqual(b.rtpPort, c.rtpPort, 'concurrent acquires never share a pair');
    await assert.rejects(pool.acquire(), /no free UDP port pair/);
    pool.release(a);
    assert.deepEqual(await pool.acquire(), a);
  } finally {
    blocker.close();
  }
});

test('recording paths are relative and refuse unsafe ids', () => {
  const p = recordingRelativePath({
    examId: 'e1',
    sessionId: 's1',
    attemptNumber: 2,
    source: 'camera',
    startedAt: new Date('2025-05-01T09:30:00.123Z'),
    extension: '.webm',
  });
  assert.equal(p, 'e1/s1/attempt-2/camera-20250501T093000123Z.webm');
  assert.throws(() =>
    recordingRelativePath({ examId: '..', sessionId: 's', attemptNumber: 1, source: 'camera', startedAt: new Date(), extension: '.webm' }),
  );
});
