/** Checks of chosen files before they are uploaded (the server checks again). */

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${bytes} B`;
}

async function head(file: Blob, n: number): Promise<Uint8Array> {
	return new Uint8Array(await file.slice(0, n).arrayBuffer());
}

/** JPEG or PNG by the first bytes, as the server decides. */
export async function sniffImageFile(file: Blob): Promise<boolean> {
	const b = await head(file, 8);
	const jpeg = b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v);
	return jpeg || png;
}

/** A zip by its signature. */
export async function isZipFile(file: Blob): Promise<boolean> {
	const b = await head(file, 4);
	return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05) && (b[3] === 0x04 || b[3] === 0x06);
}
