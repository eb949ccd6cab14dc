/**
 * English messages of the signed-in shell and the sign-in pages (navigation, user menu,
 * sign-in, password recovery) and of the HTTP API's error codes. Spread into `en.ts`;
 * `app.kk.ts` and `app.ru.ts` must have exactly these keys.
 */
export const appEn = {
	'nav.main': 'Main navigation',
	'nav.results': 'Results',
	'nav.admin': 'Administration',
	'nav.signIn': 'Sign in',

	'user.menu': 'Account menu of {name}',
	'user.role.admin': 'Administrator',
	'user.role.proctor': 'Proctor',
	'user.signOut': 'Sign out',

	'home.signedIn': 'You are signed in as {name}.',
	'home.openResults': 'Open results',

	'auth.login.title': 'Sign in',
	'auth.login.subtitle': 'For proctors and administrators',
	'auth.email': 'E-mail',
	'auth.password': 'Password',
	'auth.showPassword': 'Show password',
	'auth.hidePassword': 'Hide password',
	'auth.login.submit': 'Sign in',
	'auth.login.submitting': 'Signing in…',
	'auth.forgotLink': 'Forgot your password?',
	'auth.err.required': 'Enter your e-mail and password.',
	'auth.err.email': 'Enter a valid e-mail address.',
	'auth.sessionExpired': 'Sign in to continue.',
	'auth.signedOut': 'You have signed out.',
	'auth.candidateHint': 'Taking an exam? Open the personal link from your invitation instead.',

	'auth.forgot.title': 'Password recovery',
	'auth.forgot.lead': 'Enter the e-mail of your account and we will send you a link to set a new password.',
	'auth.forgot.submit': 'Send the link',
	'auth.forgot.sent.title': 'Check your e-mail',
	'auth.forgot.sent.body':
		'If an account with the address {email} exists, we have sent it a link to set a new password. The link works once and is valid for 1 hour.',
	'auth.forgot.sent.spam': 'No e-mail after a few minutes? Check the spam folder or request the link again.',
	'auth.backToLogin': 'Back to sign in',

	'auth.reset.title': 'New password',
	'auth.reset.lead': 'Choose a new password for your account.',
	'auth.reset.password': 'New password',
	'auth.reset.confirm': 'Repeat the new password',
	'auth.reset.hint': 'At least 8 characters.',
	'auth.reset.submit': 'Save the password',
	'auth.reset.tooShort': 'The password must have at least 8 characters.',
	'auth.reset.mismatch': 'The passwords do not match.',
	'auth.reset.done.title': 'Password changed',
	'auth.reset.done.body': 'Sign in with your new password. For your safety you have been signed out on every device.',
	'auth.reset.noToken': 'This link is incomplete. Open the link from the e-mail in full, or request a new one.',
	'auth.reset.requestNew': 'Request a new link',

	'apiError.bad_request': 'The request was rejected as invalid. Check what you entered.',
	'apiError.unsupported_media_type': 'The request format is not supported. Reload the page.',
	'apiError.payload_too_large': 'The request is too large.',
	'apiError.unauthenticated': 'Your session has ended. Sign in again.',
	'apiError.invalid_credentials': 'Wrong e-mail or password.',
	'apiError.forbidden': 'You do not have access to this.',
	'apiError.cross_origin': 'The request came from another site and was refused. Open the page from its address.',
	'apiError.not_found': 'Not found. It may have been deleted.',
	'apiError.conflict': 'This name, e-mail or IIN is already taken.',
	'apiError.account_locked':
		'Too many failed sign-in attempts. The account is locked for up to 15 minutes; wait or reset the password.',
	'apiError.rate_limited': 'Too many requests from your network. Wait a minute and try again.',
	'apiError.reset_token_invalid': 'This password reset link is not valid. Request a new one.',
	'apiError.reset_token_used': 'This link has already been used. Request a new one if you still need it.',
	'apiError.reset_token_expired': 'This link has expired (links are valid for 1 hour). Request a new one.',
	'apiError.internal': 'Internal server error. Try again later.',
	'apiError.network': 'No connection to the server. Check the network and try again.',
} satisfies Record<string, string>;

export type AppMessages = Record<keyof typeof appEn, string>;
