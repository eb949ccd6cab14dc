import type { HonestyMessages } from './honesty.en.ts';

export const honestyKk: HonestyMessages = {
	'eventCost.title': 'Бір қысқа оқиғаның құны',
	'eventCost.hint':
		'{min} с-тан қысқа бір оқиға (кірістіру, басқа жаққа қарау) жоғарыдағы салмақтармен адалдықтан қанша балл алатыны. Әр оқиға кемінде {min} с деп саналады, бірақ сессияның {share} %-ынан аспайды: қысқа сессияда бір оқиға өз салмағынан артық балл алмайды. Ұзақ оқиғалар нақты ұзақтығы бойынша саналады.',
	'eventCost.type': 'Бұзушылық',
	'eventCost.session': '{minutes} мин сессия',
	'eventCost.notCounted': '(ескерілмейді)',
};
