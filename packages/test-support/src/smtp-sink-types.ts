/**
 * The shapes of the fault-injecting SMTP sink's API (`smtp-sink.ts`):
 * its options, what it records, and the running sink.
 */

/** A reply the sink sends instead of the normal one. */
export interface SinkReply {
  code: number;
  text: string;
}

/** Where the sink drops a connection it was told to drop. */
export type DropPoint = 'during-data' | 'after-accept' | 'alternate';

/** How the sink behaves. Every fault is off unless set. */
export interface SinkOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default 127.0.0.1 */
  host?: string;
  /** `starttls` offers STARTTLS, `implicit` speaks TLS from the start (like port 465). @default 'none' */
  tls?: 'none' | 'starttls' | 'implicit';
  /** Ask for a client certificate (signed by the test CA) during the TLS handshake. @default false */
  requestCert?: boolean;
  /** Require AUTH with these credentials before MAIL FROM. */
  auth?: { username: string; password: string };
  /** The AUTH mechanisms offered. @default ['PLAIN', 'LOGIN'] */
  authMethods?: ('PLAIN' | 'LOGIN')[];
  /** `closed`: nothing listens on the port; `reset`: connections are accepted and reset at once. */
  refuse?: 'closed' | 'reset';
  /** Drop the connection on every Nth DATA the sink receives (counted across connections). */
  dropEvery?: number;
  /** Where to drop: mid-DATA (nothing stored), after storing the message (no reply), or alternating. @default 'during-data' */
  dropAt?: DropPoint;
  /** Answer MAIL FROM with 421 and close once a connection has carried this many messages. */
  closeAfter?: number;
  /** Probability (0 to 1) of answering MAIL FROM with 451. */
  tempFailMailFrom?: number;
  /** Probability (0 to 1) of answering a RCPT TO with 452. */
  tempFailRecipient?: number;
  /** Senders whose MAIL FROM is answered with 550 (exact addresses, case-insensitive, or patterns). */
  rejectSenders?: (string | RegExp)[];
  /** Recipients answered with 550 (exact addresses, case-insensitive, or patterns). */
  rejectRecipients?: (string | RegExp)[];
  /** Recipients answered with 451 every time they are offered (exact addresses, case-insensitive, or patterns). */
  busyRecipients?: (string | RegExp)[];
  /** Recipients answered with 450 the first `times` times they are offered. */
  deferRecipients?: { address: string; times: number }[];
  /** Answer every MAIL FROM with this reply. */
  mailFromReply?: SinkReply;
  /** Answer every message (after its data) with this reply. */
  dataReply?: SinkReply;
  /** Largest message accepted, in bytes, announced in EHLO (SIZE). @default 50 MB */
  size?: number;
  /** Milliseconds to wait before answering MAIL FROM, RCPT TO and the end of DATA. @default 0 */
  delay?: number;
  /** Milliseconds of client silence before the sink closes a connection (with 421). @default 60000 */
  idleTimeout?: number;
  /** Seed of the random draws, so that a run can be repeated. @default 1 */
  seed?: number;
}

/** A message the sink accepted. */
export interface SinkMessage {
  from: string;
  to: string[];
  data: Buffer;
  /** The Message-ID header without angle brackets, if any. */
  messageId?: string;
  /** The Subject header, if any. */
  subject?: string;
  /** The name the client gave in EHLO/HELO. */
  helo: string;
  /** Which connection carried it (1 for the first the sink accepted). */
  connection: number;
  /** Whether that connection was encrypted. */
  secure: boolean;
  /** The user it authenticated as, if any. */
  user?: string;
  /** The CN of the client certificate, if one was presented. */
  clientCertificate?: string;
}

/** What the sink did besides accepting messages. */
export interface SinkStats {
  /** Connections that reached the greeting. */
  connections: number;
  /** Connections refused by `refuse: 'reset'`. */
  refused: number;
  /** Connections dropped in the middle of DATA (nothing stored). */
  droppedDuringData: number;
  /** Message-IDs stored and then dropped without a reply: the client cannot know they arrived. */
  droppedAfterAccept: string[];
  /** 421 replies sent because of `closeAfter`. */
  closedAfter: number;
  /** 451 replies to MAIL FROM. */
  tempFailedMailFrom: number;
  /** 452, 451 and 450 replies to RCPT TO. */
  tempFailedRecipients: number;
  /** Failed AUTH attempts. */
  authFailures: number;
  /** Every MAIL FROM transaction started, by connection number. */
  transactions: number;
}

/** A running sink. */
export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  /** Accepted messages, in order. */
  readonly messages: SinkMessage[];
  readonly stats: SinkStats;
  /** Closes every open connection abruptly, as a server that drops idle clients does. */
  closeConnections(): void;
  /**
   * Leaves every open connection looking alive, but resets it without a reply
   * at its next MAIL FROM: what a client sees when a firewall forgot an idle connection.
   */
  breakConnections(): void;
  /** Forgets messages and counters (faults keep their settings). */
  reset(): void;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}
