import type { Message } from '../message/message.js';
import type { SuppressedRecipient } from '../suppression/suppression-check.js';
import type { RecipientRejection, TransportReceipt } from './receipt.js';

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
  /**
   * Recipients left out because they are suppressed, with the reason (never sent to). Set by
   * `mailer.send` when the Mailer has a suppression check (empty when none was suppressed).
   */
  suppressed?: readonly SuppressedRecipient[];
  /** The peer's final reply, when there is one. */
  response?: string;
  /** An id the peer gave the message, when there is one. */
  messageId?: string;
  /** When the delivery completed. */
  deliveredAt: Date;
  /** What the transport's `deliver` returned (its own fields included), passed through. */
  receipt: TransportReceipt | undefined;
}

/** Anything that can send a message: a Mailer. */
export interface MessageSender {
  send(message: Message): Promise<DeliveryResult>;
}
