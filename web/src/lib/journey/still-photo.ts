/** Still photos from the camera track for the identity check (browser only). */

/** Draws the track's current frame on a canvas (full resolution). */
export async function grabFrame(track: MediaStreamTrack): Promise<HTMLCanvasElement> {
	const video = document.createElement('video');
	video.muted = true;
	video.playsInline = true;
	video.srcObject = new MediaStream([track]);
	try {
		await video.play();
		if (video.readyState < 2 || video.videoWidth === 0) {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('the camera sends no picture')), 5000);
				video.addEventListener(
					'loadeddata',
					() => {
						clearTimeout(timer);
						resolve();
					},
					{ once: true },
				);
			});
		}
		const canvas = document.createElement('canvas');
		canvas.width = video.videoWidth;
		canvas.height = video.videoHeight;
		canvas.getContext('2d')!.drawImage(video, 0, 0);
		return canvas;
	} finally {
		video.pause();
		video.srcObject = null;
	}
}

/** JPEG of a canvas; the upload limit is 2 MB, a 1280×720 frame at this quality is ~150 KB. */
export function toJpeg(canvas: HTMLCanvasElement, quality = 0.85): Promise<Blob> {
	return new Promise((resolve, reject) =>
		canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('could not encode the photo'))), 'image/jpeg', quality),
	);
}

/** An image element for a downloaded photo (the reference photo). */
export async function blobToImage(blob: Blob): Promise<HTMLImageElement> {
	const url = URL.createObjectURL(blob);
	try {
		const image = new Image();
		image.src = url;
		await image.decode();
		return image;
	} finally {
		URL.revokeObjectURL(url);
	}
}
