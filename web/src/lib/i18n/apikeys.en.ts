/**
 * English messages of #13: the admin page of API keys for the `/api/v1` REST API.
 * Spread into `en.ts`; kk and ru must have exactly these keys.
 */
export const apiKeysEn = {
	'apiKeys.nav': 'API keys',
	'apiKeys.title': 'API keys',
	'apiKeys.lead': 'Keys let an LMS read exams, candidates, sessions and results through the REST API (/api/v1); with “Write” it can also create exams, add candidates, get their links and set decisions. A key for one exam sees only that exam. Each request carries “Authorization: Bearer <key>”; requests are limited per key.',
	'apiKeys.docs': 'API documentation',
	'apiKeys.create': 'New key',
	'apiKeys.empty': 'No API keys yet.',
	'apiKeys.name': 'Name',
	'apiKeys.namePlaceholder': 'e.g. Moodle of the Faculty of History',
	'apiKeys.integration': 'Integration',
	'apiKeys.noIntegration': 'None',
	'apiKeys.exam': 'Exam',
	'apiKeys.allExams': 'All exams',
	'apiKeys.examHint': 'A key for one exam sees nothing of the others.',
	'apiKeys.scopes': 'Access',
	'apiKeys.scope.read': 'Read',
	'apiKeys.scope.write': 'Write',
	'apiKeys.col.name': 'Name',
	'apiKeys.col.prefix': 'Key',
	'apiKeys.col.scope': 'Access',
	'apiKeys.col.exam': 'Exam',
	'apiKeys.col.created': 'Created',
	'apiKeys.col.lastUsed': 'Last used',
	'apiKeys.col.status': 'Status',
	'apiKeys.never': 'Never',
	'apiKeys.active': 'Active',
	'apiKeys.revoked': 'Revoked {date}',
	'apiKeys.revoke': 'Revoke',
	'apiKeys.revokeTitle': 'Revoke the key “{name}”?',
	'apiKeys.revokeBody': 'Requests with this key are refused from now on. This cannot be undone; create a new key instead.',
	'apiKeys.revokedToast': 'Key “{name}” revoked',
	'apiKeys.secretTitle': 'Copy the key now',
	'apiKeys.secretBody': 'This is the only time the whole key is shown. Store it in the LMS settings; only its beginning is kept here.',
	'apiKeys.copy': 'Copy',
	'apiKeys.copied': 'Copied',
	'apiKeys.done': 'Done',
} satisfies Record<string, string>;

export type ApiKeysMessages = Record<keyof typeof apiKeysEn, string>;
