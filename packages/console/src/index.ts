/**
 * `@mailroom/console`: the REST API (`/api/v1`, described by `openapi.json`) and the web
 * console of `mailroom serve`, for list owners, moderators and operators. The list server
 * loads it only when `server.console.enabled` is true.
 *
 * @packageDocumentation
 */
export const OPENAPI_PATH = new URL('../openapi.json', import.meta.url);
