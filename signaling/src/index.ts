export { startMediaNode, type MediaNode, type MediaNodeOptions } from './media-node.ts';
export { nodeConfigFromEnv, type NodeConfig } from './config.ts';
export { mintToken, verifyToken, TokenError, type ClaimsInput } from './auth/token.ts';
export { turnCredential, iceOptionsFor } from './media/ice-servers.ts';
