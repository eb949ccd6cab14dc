/**
 * The one error of every API call the web makes (staff routes, admin routes, the
 * candidate journey): the HTTP status, the contract's error code (or `network` when no
 * answer arrived) and what the admin routes add to the body — the field at fault and why,
 * or an import's issues. Socket acks have their own error (`SignalError`, media/signal.ts).
 */
import {
	apiErrorCode,
	type AdminErrorBody,
	type AdminFieldReason,
	type ApiErrorCode,
	type ImportIssue,
} from '@proctor/signaling/contract';

export type ApiErrorKind = ApiErrorCode | 'network';

export interface ApiErrorDetails {
	field?: string;
	reason?: AdminFieldReason;
	issues?: ImportIssue[];
	errorsTotal?: number;
}

export class ApiError extends Error {
	override readonly name = 'ApiError';
	readonly field?: string;
	readonly reason?: AdminFieldReason;
	readonly issues?: ImportIssue[];
	readonly errorsTotal?: number;
	constructor(
		/** HTTP status; 0 when no answer arrived. */
		readonly status: number,
		readonly code: ApiErrorKind,
		message: string,
		details: ApiErrorDetails = {},
	) {
		super(message);
		this.field = details.field;
		this.reason = details.reason;
		this.issues = details.issues;
		this.errorsTotal = details.errorsTotal;
	}
}

/** A fetch that got no answer (offline, DNS, refused). */
export function networkError(error: unknown): ApiError {
	return new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
}

/** The code a status stands for when the body names none (a proxy's error page). */
function codeOfStatus(status: number): ApiErrorKind {
	if (status === 401) return 'unauthenticated';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'not_found';
	if (status === 413) return 'payload_too_large';
	if (status === 429) return 'rate_limited';
	return status >= 500 ? 'internal' : 'bad_request';
}

/** An error answer as an `ApiError`: the body's code and message when it has them. */
export async function toApiError(response: Response): Promise<ApiError> {
	let code = codeOfStatus(response.status);
	let message = `${response.status} ${response.statusText}`;
	try {
		const body = (await response.json()) as Partial<AdminErrorBody>;
		const parsed = apiErrorCode.safeParse(body.error?.code);
		if (parsed.success) code = parsed.data;
		if (typeof body.error?.message === 'string') message = body.error.message;
		const { field, reason } = body.error ?? {};
		return new ApiError(response.status, code, message, { field, reason, issues: body.issues, errorsTotal: body.errorsTotal });
	} catch {
		// not JSON: a gateway that could not reach the node is the network, for the user
		if (response.status === 502 || response.status === 503 || response.status === 504) code = 'network';
		return new ApiError(response.status, code, message);
	}
}
