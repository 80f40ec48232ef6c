import type { Readable } from 'node:stream';
import type { AddressListInput } from '../address/address-list.js';
import type { AddressInput } from '../address/address.js';
import type { Attachment } from './attachment.js';
import type { SplitSource } from './split-source.js';

/** A body, or a function (sync or async) that produces it at delivery time. */
export type Body = string | Buffer | (() => string | Buffer | Promise<string | Buffer>);

/** Extra headers: a record, or name/value pairs (a name may repeat). */
export type HeadersInput = Record<string, string | readonly string[]> | readonly (readonly [string, string])[];

/** `X-Priority`: 1 (highest) to 5 (lowest), or a name. */
export type Priority = 1 | 2 | 3 | 4 | 5 | 'high' | 'normal' | 'low';

/** The fields of a {@link Message}; every one is optional until send time. */
export interface MessageFields {
  /** The visible author: the `From:` header. Several are allowed; then `sender` is advised. */
  author?: AddressListInput;
  /** Primary recipients: `To:`. */
  to?: AddressListInput;
  /** Secondary recipients: `Cc:`. */
  cc?: AddressListInput;
  /** Hidden recipients: in the envelope only, never in the headers. */
  bcc?: AddressListInput;
  /** Where replies go: `Reply-To:`. */
  reply?: AddressListInput;
  /** The designated sender: `Sender:` and the envelope sender. */
  sender?: AddressInput;
  /** Where disposition notifications go: `Disposition-Notification-To:`. */
  notify?: AddressListInput;
  /** `Organization:`. */
  organization?: string;
  /** `X-Priority:` (with the matching `Importance:`). */
  priority?: Priority;
  /** Additional headers. */
  headers?: HeadersInput;
  /** `Subject:`; non-ASCII text is sent as encoded words. */
  subject?: string;
  /** The plain-text body. Derived from `rich` when only `rich` is given. */
  plain?: Body;
  /** The HTML body. */
  rich?: Body;
  /** Attachments and embedded images. */
  attachments?: readonly Attachment[];
  /**
   * Content transfer encoding for the bodies: `quoted-printable` or `base64`.
   * `utf-8` (Marrow Mailer's meaning: the charset, always UTF-8 here), `7bit`
   * and `8bit` mean "choose": 7bit when the text allows, else quoted-printable
   * or base64, whichever is shorter.
   * @default chosen per body
   * @throws {MessageError} `EFIELD` for any other value (for example another charset).
   */
  encoding?: string;
  /**
   * `Date:`: a Date, or an RFC 5322 (`Tue, 1 Dec 2026 20:41:11 +0100`) or ISO 8601
   * (`2026-12-01T20:41:11+01:00`) string, kept as its instant.
   * @default the time the MIME is built
   * @throws {MessageError} `EFIELD` for a string that is neither.
   */
  date?: Date | string;
  /** `Message-ID:` without angle brackets. @default generated */
  id?: string;
  /** How many more attempts after a transport failure. @default 3 (from `message.retries`) */
  retries?: number;
}

/** The names of every field, to reject unknown ones. */
export const MESSAGE_FIELD_NAMES: readonly (keyof MessageFields)[] = [
  'author',
  'to',
  'cc',
  'bcc',
  'reply',
  'sender',
  'notify',
  'organization',
  'priority',
  'headers',
  'subject',
  'plain',
  'rich',
  'attachments',
  'encoding',
  'date',
  'id',
  'retries',
];

/**
 * The source of a raw RFC 5322 message: its bytes, a string, a stream, or a
 * header block and a (possibly shared) body kept apart ({@link SplitSource}).
 */
export type RawSource = Buffer | string | Readable | SplitSource;

/** Options of `Message.raw`: the envelope a raw message is sent with. */
export interface RawMessageOptions {
  /** The envelope sender. */
  from: AddressInput;
  /** The envelope recipients. */
  to: AddressListInput;
  /** An id for logs; by default the message's `Message-ID` when it can be read. */
  id?: string;
  /** How many more attempts after a transport failure. */
  retries?: number;
}
