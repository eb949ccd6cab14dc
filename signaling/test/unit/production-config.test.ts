/**
 * The production settings of a media node (TURN, ICE policy, several nodes, metrics, logs):
 * wrong values stop the node with a message naming the variable; TURN credentials have
 * coturn's REST form. That coturn accepts them is shown in tests/e2e/turn-relay.test.ts.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { nodeConfigFromEnv } from '../../src/config.ts';
import { iceOptionsFor, turnCredential } from '../../src/media/ice-servers.ts';
import { isStaticAsset, redactTokens } from '../../src/http/request-kind.ts';

const base = { TOKEN_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/proctor-config-test' };
const SECRET = 'a-turn-secret-of-some-length';

describe('production settings', () => {
  it('default to a single node without TURN or metrics', () => {
    const cfg = nodeConfigFromEnv({ ...base, PORT: '3015', LOG_FORMAT: 'json' });
    assert.equal(cfg.publicUrl, 'http://localhost:3015');
    assert.deepEqual(cfg.cluster, { nodeUrl: 'http://localhost:3015', leaseSeconds: 20 });
    assert.deepEqual(cfg.ice, { turnUrls: [], turnSecret: undefined, turnCredentialTtlSeconds: 43200, transportPolicy: 'all' });
    assert.deepEqual(cfg.metrics, { port: undefined, host: '127.0.0.1' });
    assert.deepEqual(cfg.log, { level: 'info', format: 'json' });
    assert.equal(cfg.webhookDeliveryRetentionDays, 30, 'a month of webhook delivery log');
    assert.equal(nodeConfigFromEnv({ ...base, WEBHOOK_DELIVERY_RETENTION_DAYS: '90' }).webhookDeliveryRetentionDays, 90);
  });

  it('read a full production environment', () => {
    const cfg = nodeConfigFromEnv({
      ...base,
      PUBLIC_URL: 'https://proctor.example.edu/',
      NODE_URL: 'https://node2.proctor.example.edu',
      ROOM_LEASE_SECONDS: '30',
      TURN_URLS: 'turn:turn.example.edu:3478?transport=udp, turns:turn.example.edu:443?transport=tcp',
      TURN_SECRET: SECRET,
      ICE_TRANSPORT_POLICY: 'relay',
      METRICS_PORT: '9464',
      METRICS_HOST: '10.0.0.5',
      LOG_FORMAT: 'pretty',
    });
    assert.equal(cfg.publicUrl, 'https://proctor.example.edu');
    assert.deepEqual(cfg.cluster, { nodeUrl: 'https://node2.proctor.example.edu', leaseSeconds: 30 });
    assert.deepEqual(cfg.ice.turnUrls, ['turn:turn.example.edu:3478?transport=udp', 'turns:turn.example.edu:443?transport=tcp']);
    assert.equal(cfg.ice.transportPolicy, 'relay');
    assert.deepEqual(cfg.metrics, { port: 9464, host: '10.0.0.5' });
    assert.equal(cfg.log.format, 'pretty');
  });

  it('refuse wrong values, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PUBLIC_URL: 'proctor.example.edu' }, /PUBLIC_URL must be a URL/],
      [{ NODE_URL: 'ftp://node' }, /NODE_URL must start with http/],
      [{ ROOM_LEASE_SECONDS: '2' }, /ROOM_LEASE_SECONDS must be at least 3/],
      [{ ROOM_LEASE_SECONDS: 'soon' }, /ROOM_LEASE_SECONDS must be a positive integer/],
      [{ TURN_URLS: 'turn:turn.example.edu:3478' }, /TURN_SECRET is not/],
      [{ TURN_URLS: 'stun:stun.example.edu', TURN_SECRET: SECRET }, /not a turn: or turns: URL/],
      [{ TURN_URLS: 'turn:t:3478', TURN_SECRET: 'short' }, /TURN_SECRET must be at least 16/],
      [{ ICE_TRANSPORT_POLICY: 'relay' }, /needs TURN_URLS/],
      [{ ICE_TRANSPORT_POLICY: 'tcp' }, /ICE_TRANSPORT_POLICY must be "all" or "relay"/],
      [{ METRICS_PORT: '99999' }, /METRICS_PORT must be a port number/],
      [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be "pretty" or "json"/],
      [{ WEBHOOK_DELIVERY_RETENTION_DAYS: '0' }, /WEBHOOK_DELIVERY_RETENTION_DAYS must be a positive integer/],
    ];
    for (const [env, message] of cases) assert.throws(() => nodeConfigFromEnv({ ...base, ...env }), message, JSON.stringify(env));
  });
});

describe('TURN credentials', () => {
  it('are coturn REST credentials: "<expiry>:<label>" and base64 HMAC-SHA1 of it', () => {
    const now = Date.UTC(2026, 4, 1, 9, 0, 0);
    const c = turnCredential(SECRET, 'candidate-1:2', 3600, now);
    assert.equal(c.username, `${now / 1000 + 3600}:candidate-1-2`, 'a colon in the label would confuse coturn');
    assert.equal(c.credential, createHmac('sha1', SECRET).update(c.username).digest('base64'));
    assert.equal(c.expiresAt.toISOString(), '2026-05-01T10:00:00.000Z');
  });

  it('go into a transport with the ICE policy, and nothing goes in without TURN', () => {
    const ice = { turnUrls: ['turn:t.example.edu:3478'], turnSecret: SECRET, turnCredentialTtlSeconds: 60, transportPolicy: 'relay' as const };
    const options = iceOptionsFor(ice, 'proctor-u1');
    assert.equal(options.iceTransportPolicy, 'relay');
    assert.deepEqual(options.iceServers?.map((s) => s.urls), [['turn:t.example.edu:3478']]);
    assert.match(options.iceServers![0]!.username!, /^\d+:proctor-u1$/);
    assert.deepEqual(iceOptionsFor({ ...ice, turnUrls: [], turnSecret: undefined, transportPolicy: 'all' }, 'x'), {});
  });
});

describe('request log helpers', () => {
  it('tell static UI files from pages and API calls', () => {
    for (const p of ['/_app/immutable/entry/start.js', '/human/models/blazeface.bin', '/favicon.svg']) assert.equal(isStaticAsset(p), true, p);
    for (const p of ['/exam', '/proctor/exams/123/live', '/api/candidate/journey', '/']) assert.equal(isStaticAsset(p), false, p);
  });

  it('keep link tokens out of the log', () => {
    assert.equal(redactTokens('/exam?token=abc.def'), '/exam?token=[redacted]');
    assert.equal(redactTokens('/proctor/exams/1/live?mode=screen&token=abc&x=1'), '/proctor/exams/1/live?mode=screen&token=[redacted]&x=1');
    assert.equal(redactTokens('/results?page=2'), '/results?page=2');
  });
});
