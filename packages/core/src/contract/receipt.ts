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
  /** Which child delivered it, for the failover and roundrobin transports (`transports.1 (smtp)`). */
  via?: string;
  /** Facts of a transport's own, kept in `DeliveryResult.receipt`. */
  [field: string]: unknown;
}
