/**
 * ICE servers handed to browsers in every `transport:create` answer.
 *
 * TURN credentials are coturn's "TURN REST API" kind (`use-auth-secret` +
 * `static-auth-secret` in turnserver.conf): the username is `<unix expiry>:<label>` and the
 * password is base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC itself, so
 * the media node and coturn share only the secret, no user database, and a credential
 * that leaks stops working at its expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceConfig } from '../config.ts';
import type { IceServer, IceTransportPolicy } from '../contract/media.ts';

export interface TurnCredential {
  username: string;
  credential: string;
  expiresAt: Date;
}

/** `label` only helps reading coturn's log (which session or user allocated); no ':' allowed in it. */
export function turnCredential(secret: string, label: string, ttlSeconds: number, now = Date.now()): TurnCredential {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${label.replaceAll(':', '-')}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}

export interface IceOptions {
  iceServers?: IceServer[];
  iceTransportPolicy?: IceTransportPolicy;
}

/** What one client's transport should use; empty without TURN. */
export function iceOptionsFor(cfg: IceConfig, label: string, now = Date.now()): IceOptions {
  if (cfg.turnUrls.length === 0 || !cfg.turnSecret) return {};
  const { username, credential } = turnCredential(cfg.turnSecret, label, cfg.turnCredentialTtlSeconds, now);
  return {
    iceServers: [{ urls: cfg.turnUrls, username, credential }],
    iceTransportPolicy: cfg.transportPolicy,
  };
}
