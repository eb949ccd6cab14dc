/**
 * A value axis from 0 with 3–5 round ticks (steps of 1, 2 or 5 × 10ⁿ, never fractional:
 * everything charted here is a count).
 */
export function niceScale(maxValue: number): { max: number; ticks: number[] } {
	if (maxValue <= 0) return { max: 1, ticks: [0, 1] };
	const rough = maxValue / 4;
	const power = 10 ** Math.floor(Math.log10(rough));
	const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
	const max = Math.ceil(maxValue / step) * step;
	const ticks: number[] = [];
	for (let v = 0; v <= max; v += step) ticks.push(v);
	return { max, ticks };
}
