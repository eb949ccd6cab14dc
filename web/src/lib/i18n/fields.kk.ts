import type { FieldsMessages } from './fields.en.ts';

export const fieldsKk: FieldsMessages = {
	'field.dateTimeFormat': 'КК.АА.ЖЖЖЖ СС:ММ:СС',
	'field.dateFormat': 'КК.АА.ЖЖЖЖ',
	'field.dateInvalid': '«{text}» — {format} түріндегі күн емес; сүзгі бұрынғыдай қалады.',
	'field.dateRequired': 'Мұнда күн керек; сүзгі бұрынғыдай қалады.',
	'choice.search': 'Атауын тере бастаңыз',
	'choice.none': 'Ештеңе табылмады',
	'choice.more': 'Алғашқы {n} көрсетілді: атауын нақтылаңыз',
	'choice.archived': 'мұрағатта',
	'choice.failed': 'Тізім жүктелмеді: {error}',
};
