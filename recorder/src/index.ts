// @proctor/recorder: records candidate producers with ffmpeg (-c copy) and finalises the files.
export { FfmpegNotFoundError, type FfmpegPaths, type ProbeResult, probe, probeDuration, resolveFfmpeg } from './ffmpeg.ts';
export { DEFAULT_PORT_RANGE, type PortPair, PortPool, type PortPoolOptions, sharedPortPool } from './port-pool.ts';
export { buildSdp, type Container, containerFor, mediaCodecOf, type SdpOptions } from './sdp.ts';
export {
  type RecorderExit,
  type SourceCloseReason,
  type StopResult,
  StreamRecorder,
  type StreamRecorderOptions,
} from './stream-recorder.ts';
export {
  type RecordingFailure,
  RecordingService,
  type RecordingServiceOptions,
  type StartRecordingInput,
  recordingRelativePath,
} from './recording-service.ts';
export {
  type AddJobOptions,
  createJobQueue,
  type CreateJobQueueOptions,
  DEFAULT_JOB_OPTIONS,
  type JobConsumer,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type QueueBackendKind,
} from './queue.ts';
export { type FinaliseRecordingPayload, finaliseJobId, type JobPayload, type QueueName, QUEUES } from './jobs/types.ts';
export { finaliseRecording, resolveRecordingPath } from './jobs/finalise-recording.ts';
export { type JobWorkers, requeueStoppedRecordings, startJobWorkers, type StartJobWorkersOptions } from './jobs/worker.ts';
