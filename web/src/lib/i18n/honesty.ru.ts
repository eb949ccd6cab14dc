import type { HonestyMessages } from './honesty.en.ts';

export const honestyRu: HonestyMessages = {
	'eventCost.title': 'Сколько стоит одно короткое событие',
	'eventCost.hint':
		'Сколько баллов честности снимает одно событие короче {min} с (вставка, взгляд в сторону) при весах выше. Каждое событие считается не короче {min} с, но не больше {share} % сессии: в короткой сессии одно событие снимает не больше своего веса в баллах. Длинные события считаются по их настоящей длительности.',
	'eventCost.type': 'Нарушение',
	'eventCost.session': 'Сессия {minutes} мин',
	'eventCost.notCounted': '(не учитывается)',
};
