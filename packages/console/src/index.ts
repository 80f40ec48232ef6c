/**
 * `@mailroom/console`: the REST API (`/api/v1`, described by `openapi.json`) and the web
 * console of `mailroom serve`, for list owners, moderators and operators. The list server
 * loads it only when `server.console.enabled` is true.
 *
 * @packageDocumentation
 */
export { type ConsoleOptions, createConsole, OPENAPI_URL } from './console.js';
export {
  type Account,
  AccountError,
  accountsSource,
  addAccount,
  createToken,
  type NewAccount,
  readAccounts,
  removeAccount,
  type Role,
  ROLES,
  setPassword,
} from './auth/accounts.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { ApiProblem, type FieldError } from './http/problem.js';
export { resolveAsset, WEB_ROOT } from './http/static-files.js';
export { type LoginLimiter, loginLimiter } from './auth/rate-limit.js';
export { createSessions, type Session, type Sessions } from './auth/sessions.js';
export { type DeliveryStats, deliveryStats, type StatsSnapshot } from './stats/delivery-stats.js';
