import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from '@mailroom/transport-test-suite';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
// The example imports the built packages, as a user's application would.
const built = ['core', 'transport-imap'].every((name) => existsSync(join(root, 'packages', name, 'dist', 'index.js')));
const dovecot = requireBinary('dovecot', 'run scripts/install-dovecot.sh');
const environment = { ...process.env, IMAP_HOST: '' };

describe.runIf(built && dovecot)('examples/imap', () => {
  it('runs as written against the Dovecot it starts, and reads its three messages back', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'examples', 'imap', 'index.js')], {
      cwd: root,
      env: environment,
    });
    expect(stdout.match(/^appended to Mailroom\.Example as UID \d+: The \w+ report$/gm)).toHaveLength(3);
    expect(stdout.match(/^in Mailroom\.Example: UID \d+ "The \w+ report" flags \\Recent \\Seen$/gm)).toHaveLength(3);
  });
});
