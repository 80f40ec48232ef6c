import type { KeyObject } from 'node:crypto';

/** The signing algorithms: RSA (RFC 6376, RFC 8301) and Ed25519 (RFC 8463), both over SHA-256. */
export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** The DKIM signing algorithms Mailroom writes. */
export const DKIM_ALGORITHMS: readonly DkimAlgorithm[] = ['rsa-sha256', 'ed25519-sha256'];

/**
 * The header fields signed by default, in this order (those a message lacks are
 * left out of `h=`): the ones a reader sees, the MIME structure, and the RFC 2369,
 * 2919 and 8058 list fields, so a one-click unsubscribe (`List-Unsubscribe` with
 * `List-Unsubscribe-Post`) counts with Gmail and Yahoo.
 */
export const DEFAULT_DKIM_HEADERS: readonly string[] = [
  'From',
  'Sender',
  'Reply-To',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Message-ID',
  'In-Reply-To',
  'References',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'List-Id',
  'List-Help',
  'List-Post',
  'List-Subscribe',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Owner',
  'List-Archive',
];

/**
 * One DKIM signature as configured (`dkim.*`, or `dkim.0.*`, `dkim.1.*` for several).
 * @example
 * { domain: 'example.org', selector: 'mail2026', key: '/etc/mailroom/dkim.pem', algorithm: 'ed25519-sha256' }
 */
export interface DkimOptions {
  /** The signing domain (`d=`): the DNS name under which the public key is published. */
  domain: string;
  /** The selector (`s=`): the key is looked up at `<selector>._domainkey.<domain>`. */
  selector: string;
  /**
   * The private key: a PEM (PKCS#8, or PKCS#1 for RSA), or the path of a file holding one.
   * Never printed, in errors or logs.
   */
  key: string | Buffer;
  /** The algorithm (`a=`). @default the key's own: rsa-sha256 for an RSA key, ed25519-sha256 for an Ed25519 key */
  algorithm?: DkimAlgorithm;
  /** The header fields to sign (`h=`), a list or comma-separated text; must include From. @default {@link DEFAULT_DKIM_HEADERS} */
  headers?: readonly string[] | string;
}

/** One signature ready to sign with: its key parsed once. */
export interface DkimSignature {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: DkimAlgorithm;
  readonly headers: readonly string[];
  readonly key: KeyObject;
}

/** One signature as read from the configuration: a PEM is parsed at once, a file is read at start(). */
export interface DkimEntry {
  /** The dotted prefix of its keys (`dkim.` or `dkim.1.`), for error messages. */
  readonly prefix: string;
  readonly domain: string;
  readonly selector: string;
  /** The algorithm asked for; undefined to take the key's own. */
  readonly algorithm: DkimAlgorithm | undefined;
  readonly headers: readonly string[];
  /** The parsed key and its algorithm (given as a PEM), or the path of the file to read at start(). */
  readonly key: { readonly key: KeyObject; readonly algorithm: DkimAlgorithm } | { readonly path: string };
}
