/** Fields of an error that say what went wrong and never hold a credential. */
const KEPT = ['name', 'code', 'errno', 'syscall', 'address', 'port', 'hostname', 'status', 'statusCode'] as const;

/**
 * A copy of what @sendgrid/client (or axios under it) threw, fit to travel as
 * a `cause`: its message, its stack, the facts above, SendGrid's reply (status,
 * body, response headers) and its own cause, likewise copied. The request is
 * left out: axios keeps it on the error (`config.headers`, `request._header`),
 * and with it `Authorization: Bearer SG....`, which `util.inspect` or
 * `JSON.stringify` of the cause chain would otherwise print.
 */
export function safeCause(caught: unknown, depth = 0): unknown {
  if (typeof caught !== 'object' || caught === null) return caught;
  const source = caught as Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };
  const copy: Record<string, unknown> = new Error(
    typeof source.message === 'string' ? source.message : String(source.message ?? 'unknown error'),
  ) as unknown as Record<string, unknown>;
  if (typeof source.stack === 'string') copy.stack = source.stack;
  for (const key of KEPT) {
    const value = source[key];
    if (typeof value === 'string' || typeof value === 'number') copy[key] = value;
  }
  const response = source.response as { statusCode?: unknown; status?: unknown; body?: unknown; headers?: unknown } | undefined;
  if (typeof response === 'object' && response !== null) {
    copy.response = {
      statusCode: response.statusCode ?? response.status,
      body: response.body,
      // The reply's headers (Retry-After, X-Message-Id, ...), never the request's.
      headers: typeof response.headers === 'object' && response.headers !== null ? { ...(response.headers as object) } : undefined,
    };
  }
  if (source.cause !== undefined && depth < 5) copy.cause = safeCause(source.cause, depth + 1);
  return copy;
}
