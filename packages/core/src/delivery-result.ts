import type { Message } from './message/message.js';

/** One recipient a server refused. */
export interface RecipientRejection {
  /** The envelope address. */
  address: string;
  /** The server's reply code (for example 550), when known. */
  code?: number;
  /** The server's reply text, when known. */
  response?: string;
}

/**
 * What a transport may return from `deliver`. Every field is optional; a
 * transport reports what it knows. Anything else it returns is kept in
 * {@link DeliveryResult.receipt}.
 */
export interface TransportReceipt {
  /** Envelope recipients the peer accepted. */
  accepted?: string[];
  /** Envelope recipients the peer refused. */
  rejected?: RecipientRejection[];
  /** The peer's final reply (for example `250 2.0.0 Ok: queued as ...`). */
  response?: string;
  /** An id the peer gave the message (SES message id, SMTP queue id, file name). */
  messageId?: string;
}

/** The outcome of a successful `mailer.send()`. */
export interface DeliveryResult {
  /** The message that was delivered. */
  message: Message;
  /** The name of the transport that delivered it (for example `smtp`). */
  transport: string;
  /** How many delivery attempts it took (1 when the first succeeded). */
  attempts: number;
  /** Envelope recipients accepted; all of them when the transport does not say. */
  accepted: string[];
  /** Envelope recipients refused, with the server's code and reply. */
  rejected: RecipientRejection[];
  /** The peer's final reply, when there is one. */
  response?: string;
  /** An id the peer gave the message, when there is one. */
  messageId?: string;
  /** When the delivery completed. */
  deliveredAt: Date;
  /** Whatever the transport's `deliver` returned, passed through. */
  receipt: unknown;
}

/** Anything that can send a message: a Mailer. */
export interface MessageSender {
  send(message: Message): Promise<DeliveryResult>;
}
