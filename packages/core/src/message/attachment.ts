import type { Readable } from 'node:stream';

/** A file attached to, or embedded in, a message. */
export interface Attachment {
  /** The file name shown to the recipient; RFC 2231-encoded when not ASCII. */
  filename: string;
  /** The data; when absent, `path` is read at delivery time. */
  content?: string | Buffer | Readable;
  /** A file to read when there is no `content`. */
  path?: string;
  /** @default guessed from the file name */
  contentType?: string;
  /** Shown inline (an embedded image) rather than as an attachment. @default false */
  inline?: boolean;
  /** Content-ID for `cid:` references from the HTML body; set for embedded images. */
  cid?: string;
}

/** Options of `message.attach(name, data, options)`. */
export interface AttachOptions {
  contentType?: string;
  inline?: boolean;
  cid?: string;
}
