/** Error rates of a similarity threshold from genuine (same person) and impostor scores. */
export interface Roc {
  genuine: number;
  impostor: number;
  /** Equal-error rate and the threshold where false accepts ≈ false rejects. */
  eer: number;
  eerThreshold: number;
  /** Lowest threshold whose false-accept rate is ≤ 1 %, and the false rejects it costs. */
  thresholdAtFar1: number;
  frrAtFar1: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Share of impostor scores accepted (≥ t) and of genuine scores rejected (< t). */
export function ratesAt(genuine: number[], impostor: number[], t: number): { falseAccept: number; falseReject: number } {
  return {
    falseAccept: impostor.length ? impostor.filter((s) => s >= t).length / impostor.length : 0,
    falseReject: genuine.length ? genuine.filter((s) => s < t).length / genuine.length : 0,
  };
}

export function roc(genuine: number[], impostor: number[]): Roc {
  const candidates = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  let best = { t: 0, gap: Infinity, eer: 1 };
  let atFar1 = { t: Infinity, frr: 1 };
  for (const t of candidates) {
    const { falseAccept, falseReject } = ratesAt(genuine, impostor, t);
    const gap = Math.abs(falseAccept - falseReject);
    if (gap < best.gap) best = { t, gap, eer: (falseAccept + falseReject) / 2 };
    if (falseAccept <= 0.01 && t < atFar1.t) atFar1 = { t, frr: falseReject };
  }
  return {
    genuine: genuine.length,
    impostor: impostor.length,
    eer: round(best.eer),
    eerThreshold: round(best.t),
    thresholdAtFar1: round(atFar1.t),
    frrAtFar1: round(atFar1.frr),
  };
}
