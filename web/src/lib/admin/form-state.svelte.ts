/**
 * The state every admin form keeps: the errors per field, the general error, "saving". One
 * submit for them all: stop at the first invalid field (focused), else save, and put what the
 * server names a field next to that field.
 */
import { fieldErrorsFrom } from './api';

export class FormState {
	errors = $state<Record<string, string>>({});
	general = $state<string | null>(null);
	saving = $state(false);

	constructor(private readonly known: readonly string[]) {}

	/** `aria-invalid` of a field. */
	invalid = (key: string): 'true' | undefined => (this.errors[key] ? 'true' : undefined);

	/** After the form's own check: its problems become `errors`; without any, the input to save. */
	accept<I>(problems: Record<string, string>, input: () => I): I | null {
		this.errors = problems;
		return Object.keys(problems).length ? null : input();
	}

	reset(): void {
		this.errors = {};
		this.general = null;
	}

	/** `input` is the checked input, or null when the check found problems (already in `errors`). */
	async submit<I>(event: SubmitEvent, input: I | null, save: (input: I) => Promise<void>): Promise<void> {
		event.preventDefault();
		this.general = null;
		if (input === null) {
			queueMicrotask(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
			return;
		}
		this.errors = {};
		this.saving = true;
		try {
			await save(input);
		} catch (error) {
			const result = fieldErrorsFrom(error, this.known);
			this.errors = result.fields;
			this.general = result.general;
		} finally {
			this.saving = false;
		}
	}
}
