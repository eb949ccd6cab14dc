/**
 * The identity check's face comparison, done again on the server: the uploaded face photo
 * and the candidate's reference photo are decoded with ffmpeg and analysed with the same models
 * the recorder's frame sampling uses (@proctor/recorder's FaceAnalyser: human for the faces,
 * face-api's recognition net for the descriptor, cosine similarity). What the browser claims
 * (face count, similarity) then decides nothing.
 */
import { FaceAnalyser, pictureFrame } from '@proctor/recorder';

export interface FaceComparison {
  /** Faces found in the face photo. */
  faces: number;
  /** Similarity of its only face to the reference photo's largest face; null without both. */
  similarity: number | null;
}

export interface FaceChecker {
  compare(facePhotoFile: string, referencePhotoFile: string | null): Promise<FaceComparison>;
}

export class ServerFaceChecker implements FaceChecker {
  constructor(private readonly ffmpegPath: string) {}

  async compare(facePhotoFile: string, referencePhotoFile: string | null): Promise<FaceComparison> {
    const analyser = await FaceAnalyser.shared();
    const face = await analyser.analyse(await pictureFrame(this.ffmpegPath, facePhotoFile));
    const only = face.faces.length === 1 ? face.faces[0]!.embedding : null;
    if (!only || !referencePhotoFile) return { faces: face.faces.length, similarity: null };
    const reference = await analyser.analyse(await pictureFrame(this.ffmpegPath, referencePhotoFile));
    const best = reference.faces[0]?.embedding ?? null;
    return { faces: 1, similarity: best ? Math.min(1, Math.max(0, analyser.similarity(best, only))) : null };
  }
}
