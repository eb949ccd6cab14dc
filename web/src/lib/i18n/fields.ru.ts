import type { FieldsMessages } from './fields.en.ts';

export const fieldsRu: FieldsMessages = {
	'field.dateTimeFormat': 'ДД.ММ.ГГГГ ЧЧ:ММ:СС',
	'field.dateFormat': 'ДД.ММ.ГГГГ',
	'field.dateInvalid': '«{text}» — не дата в виде {format}; фильтр остаётся прежним.',
	'field.dateRequired': 'Здесь нужна дата; фильтр остаётся прежним.',
	'choice.search': 'Начните вводить название',
	'choice.none': 'Ничего не найдено',
	'choice.more': 'Показаны первые {n}: уточните название',
	'choice.archived': 'в архиве',
	'choice.failed': 'Список не загрузился: {error}',
};
