/** English messages of the honesty explanations in the exam settings (event cost table). Spread into `en.ts`. */
export const honestyEn = {
	'eventCost.title': 'What one short event costs',
	'eventCost.hint':
		'Points that one event shorter than {min} s (a paste, a glance away) takes off honesty, with the weights above. Every event counts at least {min} s, but never more than {share} % of the session: in a short session one event takes at most its weight in points. Longer events count the time they really lasted.',
	'eventCost.type': 'Violation',
	'eventCost.session': '{minutes} min session',
	'eventCost.notCounted': '(not counted)',
} satisfies Record<string, string>;

export type HonestyMessages = Record<keyof typeof honestyEn, string>;
