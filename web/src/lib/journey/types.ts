/** Shapes passed between the journey's step components. */

export type JourneyStep = 'consent' | 'devices' | 'verification' | 'exam';
export const JOURNEY_STEPS: JourneyStep[] = ['consent', 'devices', 'verification', 'exam'];

/** The live tracks the device check opened, handed on to verification and the exam. */
export interface DeviceTracks {
	camera: MediaStreamTrack;
	microphone: MediaStreamTrack;
	screen: MediaStreamTrack;
}
