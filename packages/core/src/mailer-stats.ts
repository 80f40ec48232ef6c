/** Counters a Mailer keeps; read them from `mailer.stats`. */
export interface MailerStats {
  /** Messages accepted by `send` and not yet being delivered. */
  queued: number;
  /** Delivery attempts under way right now. */
  inFlight: number;
  /** Messages delivered (including those whose transport was exhausted). */
  delivered: number;
  /** Messages that failed for good. */
  failed: number;
  /** Retries made after transport failures. */
  retries: number;
  /** Transport instances created. */
  transportsCreated: number;
  /** Transport shutdowns that failed or timed out (logged, never thrown into a delivery). */
  shutdownFailures: number;
  /** Recipients left out of deliveries by the suppression check. */
  suppressed: number;
}
