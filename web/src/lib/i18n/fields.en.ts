/** English messages of the shared inputs: the typed date field and the searched choice list. Spread into `en.ts`. */
export const fieldsEn = {
	'field.dateTimeFormat': 'DD.MM.YYYY HH:MM:SS',
	'field.dateFormat': 'DD.MM.YYYY',
	'field.dateInvalid': '“{text}” is not a date as {format}; the filter stays as shown.',
	'field.dateRequired': 'A date is needed here; the filter stays as shown.',
	'choice.search': 'Type to search',
	'choice.none': 'Nothing found',
	'choice.more': 'The first {n} are shown: type more of the name',
	'choice.archived': 'archived',
	'choice.failed': 'The list did not load: {error}',
} satisfies Record<string, string>;

export type FieldsMessages = Record<keyof typeof fieldsEn, string>;
