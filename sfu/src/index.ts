export { mediaConfigFromEnv, mediaCodecs, type MediaConfig } from './config.ts';
export { MediaError, type MediaErrorCode } from './errors.ts';
export { WorkerPool, LOAD, type PooledWorker, type Lease } from './worker-pool.ts';
export { ExamRoom, type Placement, type PlacedRouter, type ProducerAdded, type ProducerClosed, type ProducerTags, type RoomEvents } from './exam-room.ts';
export type { RegistryEvents } from './room-registry.ts';
export { RoomRegistry } from './room-registry.ts';
export { MediaPeer, type Source, type Direction } from './media-peer.ts';
export { resolveWorkerBin } from './worker-bin.ts';
