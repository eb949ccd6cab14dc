/**
 * Sign-in HTTP API, typed once for the server (validation) and the web UI (requests).
 *
 * The session lives in the httpOnly cookie `SESSION_COOKIE`; the browser sends it by itself,
 * so the UI only calls these routes with `credentials: 'same-origin'` (fetch's default).
 * State-changing routes need a JSON body (or none) and a same-origin `Origin` header, which
 * browsers add on their own; see signaling/README.md "Sign-in".
 */
import { z } from 'zod';
import { LOCALES } from '@proctor/values';

export const SESSION_COOKIE = 'proctor_session';
/** Web page with the sign-in form (printed by the demo start). */
export const SIGN_IN_PAGE = '/login';
/** Web page the password-reset e-mail links to, with the token as `?token=`. */
export const RESET_PASSWORD_PAGE = '/reset-password';

// The locales come from @proctor/values; the roles repeat @proctor/db's (the web bundle must not import db).
export const locale = z.enum(LOCALES);
export type Locale = z.infer<typeof locale>;
export const userRole = z.enum(['admin', 'proctor']);
export type UserRole = z.infer<typeof userRole>;

const email = z.string().trim().max(254).pipe(z.email());
/** Upper bound keeps hashing cost bounded (argon2 reads the whole input). */
const password = z.string().min(1).max(256);
const newPassword = z.string().min(8, 'the password must have at least 8 characters').max(256);

export const authUser = z.object({
  id: z.uuid(),
  email: z.string(),
  fullName: z.string(),
  role: userRole,
  locale,
});
export type AuthUser = z.infer<typeof authUser>;

export const loginRequest = z.object({ email, password }).strict();
export type LoginRequest = z.infer<typeof loginRequest>;

export const userResponse = z.object({ user: authUser });
export type UserResponse = z.infer<typeof userResponse>;

export const forgotPasswordRequest = z.object({ email }).strict();
export type ForgotPasswordRequest = z.infer<typeof forgotPasswordRequest>;

export const resetPasswordRequest = z.object({ token: z.string().min(1).max(200), password: newPassword }).strict();
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequest>;

export const setLocaleRequest = z.object({ locale }).strict();
export type SetLocaleRequest = z.infer<typeof setLocaleRequest>;

/** Answer of routes that only confirm. */
export const okResponse = z.object({ ok: z.literal(true) });
export type OkResponse = z.infer<typeof okResponse>;

/** Every sign-in route: method, path, request body schema (null = none) and response schema. */
export const authApi = {
  /** Sets the session cookie. 401 invalid_credentials, 429 account_locked / rate_limited. */
  login: { method: 'POST', path: '/api/auth/login', body: loginRequest, response: userResponse },
  /** Ends the session and clears the cookie; 204 even without a session. */
  logout: { method: 'POST', path: '/api/auth/logout', body: null, response: null },
  /** The signed-in user; 401 unauthenticated otherwise. */
  me: { method: 'GET', path: '/api/auth/me', body: null, response: userResponse },
  /** Always ok (whether or not the address has an account); mails a one-time link if it does. */
  forgotPassword: { method: 'POST', path: '/api/auth/forgot-password', body: forgotPasswordRequest, response: okResponse },
  /** Sets a new password from an e-mailed token and signs the user out everywhere. */
  resetPassword: { method: 'POST', path: '/api/auth/reset-password', body: resetPasswordRequest, response: okResponse },
  /** Stores the UI language of the signed-in user. */
  setLocale: { method: 'PUT', path: '/api/auth/me/locale', body: setLocaleRequest, response: userResponse },
} as const;
