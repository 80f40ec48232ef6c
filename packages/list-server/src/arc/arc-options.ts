import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describeValue, MailConfigurationError } from '@mailroom/core';

/**
 * The ARC sealing key (`arc.*`), as `dkim.*` is given to core. RFC 8617 seals with
 * rsa-sha256 only, so the key is RSA (2048 bits advised; 1024 at least).
 */
export interface ArcSettings {
  /** The sealing domain (`d=`): the public key is at `<selector>._domainkey.<domain>`. */
  readonly domain: string;
  /** The selector (`s=`). */
  readonly selector: string;
  /** The PEM private key, or the path of a file holding one (read at start). Never printed. */
  readonly key: string;
  /**
   * The authserv-id of the MTA in front (Postfix with OpenDKIM/OpenDMARC, say `mx.example.org`),
   * whose `Authentication-Results` field on a post is sealed as it is, instead of the list
   * server checking the post itself. Only set it when that MTA removes such fields from
   * incoming mail: anyone can write one.
   */
  readonly trustedAuthServId?: string;
}

const KEYS = ['domain', 'selector', 'key', 'trustedAuthServId'];
const NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Reads the `arc` section (flattened keys without the `arc.` prefix).
 * @returns undefined when no key is given: nothing is sealed.
 * @throws {MailConfigurationError} naming `arc.domain`, `arc.selector`, `arc.key`; the key is never printed.
 */
export function parseArcSettings(section: Record<string, unknown>): ArcSettings | undefined {
  if (Object.keys(section).length === 0) return undefined;
  for (const [name, value] of Object.entries(section)) {
    if (!KEYS.includes(name)) {
      throw new MailConfigurationError(`arc.${name}`, 'unknown key', {
        expected: `one of ${KEYS.map((known) => `arc.${known}`).join(', ')}`,
        received: describeValue(name, value),
      });
    }
  }
  const text = (name: string, expected: string, pattern?: RegExp): string => {
    const value = section[name];
    if (value === undefined || value === '') throw new MailConfigurationError(`arc.${name}`, 'missing', { expected });
    if (typeof value !== 'string' || (pattern && !pattern.test(value.trim()))) {
      throw new MailConfigurationError(`arc.${name}`, 'invalid value', {
        expected,
        received: name === 'key' ? 'not a string (not shown)' : describeValue(name, value),
      });
    }
    return value.trim();
  };
  const domain = text('domain', 'a domain name such as lists.example.org', NAME).toLowerCase();
  const selector = text('selector', 'a selector such as arc2026', NAME);
  const key = text('key', 'a PEM RSA private key, or the path of a file holding one');
  const trusted = section.trustedAuthServId === undefined ? undefined : text('trustedAuthServId', 'a host name', NAME);
  if (key.includes('-----BEGIN')) checkKey(key);
  return { domain, selector, key, ...(trusted && { trustedAuthServId: trusted }) };
}

/** @throws {MailConfigurationError} `arc.key` when the PEM is not an unencrypted RSA key of 1024 bits or more. */
function checkKey(pem: string): void {
  let type: string | undefined;
  let bits = 0;
  try {
    const parsed = createPrivateKey({ key: pem, format: 'pem' });
    type = parsed.asymmetricKeyType;
    bits = parsed.asymmetricKeyDetails?.modulusLength ?? 0;
  } catch {
    type = undefined;
  }
  if (type !== 'rsa' || bits < 1024) {
    throw new MailConfigurationError('arc.key', type === undefined ? 'not a valid private key' : `an ${type} key of ${bits} bits`, {
      expected: 'an unencrypted RSA private key of 1024 bits or more (RFC 8617 seals with rsa-sha256)',
      received: `a PEM of ${pem.length} characters (not shown)`,
    });
  }
}

/**
 * The sealing key as PEM text: the given PEM, or the file it names read now.
 * @throws {MailConfigurationError} `arc.key` when the file cannot be read or holds no valid RSA key (its path is not printed).
 */
export async function loadArcKey(settings: ArcSettings): Promise<string> {
  if (settings.key.includes('-----BEGIN')) return settings.key;
  let pem: string;
  try {
    pem = await readFile(settings.key, 'utf8');
  } catch (error) {
    throw new MailConfigurationError(
      'arc.key',
      `neither a PEM nor a file that can be read (${(error as { code?: string }).code ?? 'error'})`,
      {
        expected: 'a PEM RSA private key, or the path of a file holding one',
        received: `a string of ${settings.key.length} characters (not shown)`,
      },
    );
  }
  checkKey(pem);
  return pem;
}
