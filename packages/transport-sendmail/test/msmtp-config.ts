import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SinkOptions } from '@mailroom/test-support';

/**
 * How the shared SMTP sink behaves behind msmtp in these tests: recipients
 * whose local part starts with `reject` get 550, with `later` 451; every
 * other recipient is accepted.
 */
export const SINK_OPTIONS: SinkOptions = { rejectRecipients: [/^reject/], busyRecipients: [/^later/] };

/**
 * A throwaway msmtp configuration relaying to the shared SMTP sink on
 * `port`: plain SMTP on loopback, no TLS, no authentication, and
 * `auto_from off` so the envelope is exactly what `-f` says. msmtp refuses a
 * configuration others may read, hence mode 0600.
 */
export async function writeMsmtpConfig(folder: string, port: number, name = 'msmtprc'): Promise<string> {
  const path = join(folder, name);
  await writeFile(
    path,
    ['defaults', 'auth off', 'tls off', 'auto_from off', 'account default', 'host 127.0.0.1', `port ${port}`, 'domain localhost', ''].join(
      '\n',
    ),
    { mode: 0o600 },
  );
  await chmod(path, 0o600);
  return path;
}
