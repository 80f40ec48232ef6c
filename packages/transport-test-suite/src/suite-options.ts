import type { ConfigSection, TransportDefinition } from '@mailroom/core';
import type { SuiteContext } from './suite-context.js';

/** A delivered message as the suite compares it, whatever the peer kept. */
export interface DeliveredMessage {
  subject: string;
  text: string;
  html?: string;
  /** Envelope or API recipients, when the peer knows them (Bcc recipients included). */
  recipients?: string[];
  attachments?: { filename: string; content: Buffer }[];
  /** The header block as delivered, when the peer kept the MIME: checked for Bcc. */
  headerBlock?: string;
}

/** MIME bytes and the envelope recipients they were delivered to (an SMTP sink, a sendmail sink). */
export interface DeliveredMime {
  mime: Buffer;
  recipients: string[];
}

/** What `readBack` may return per message: MIME bytes, MIME with its envelope, or peer-reported fields. */
export type ReadBackItem = Buffer | DeliveredMime | DeliveredMessage;

/** An expected failure: a configuration under which delivery must fail as stated. */
export interface FailureCase {
  /** What the case shows, for the test name. */
  title: string;
  /** The transport section that leads to the failure. */
  section: () => ConfigSection | Promise<ConfigSection>;
  /** Where it fails: `startup`, or at delivery with the error's class name. */
  expect: 'startup' | 'TransportFailedError' | 'MessageFailedError';
  /** With `expect: 'startup'`: the class startup() must throw (required there). */
  error?: 'MailConfigurationError' | 'TransportFailedError' | 'MessageFailedError';
  /** The error's stable code, when the case pins it (`EAUTH`, `ECONNECTION`, `ECONFIG`...). */
  code?: string;
  /** With `expect: 'startup'` and a MailConfigurationError: the full dotted key it must name. */
  key?: string;
}

/** A configuration that must be refused, and the full dotted key the error names. */
export interface InvalidOptionsCase {
  section: ConfigSection;
  key: string;
}

/** What the transport can do; each transport passes its real values. */
export interface TransportCapabilities {
  /**
   * Bcc recipients are delivered through the envelope or API call, and
   * `readBack` reports `recipients` for each message, so the suite checks
   * that they are there (and, where it gets the MIME, never in the headers).
   */
  bcc: boolean;
  /** Read-back includes attachments and non-ASCII bodies. */
  fullMime: boolean;
  /** Several instances may deliver at the same time. */
  concurrentInstances: boolean;
}

/** What a transport package hands the conformance suite. */
export interface TransportSuiteOptions {
  /** The transport under test. */
  definition: TransportDefinition<any>;
  /** The `transport.*` section (without `use`) of a working transport; called per test. */
  section: () => ConfigSection | Promise<ConfigSection>;
  /** Starts peers (servers, directories) before the suite. */
  setup?: () => Promise<void>;
  /** Stops them after the suite. */
  teardown?: () => Promise<void>;
  /** Forgets what was delivered, before each test. */
  reset?: () => Promise<void>;
  /**
   * Everything delivered since the last reset: MIME bytes (parsed by the
   * suite with mailparser, an independent reader), MIME with its envelope
   * recipients, or peer-reported fields. Without it, only error behaviour is checked.
   */
  readBack?: () => Promise<ReadBackItem[]>;
  /** What the transport can do. */
  capabilities: TransportCapabilities;
  /** Messages delivered on one instance in the "many messages" test. @default 25 */
  messages?: number;
  /** Failures to check. */
  failures?: FailureCase[];
  /** Configurations to refuse, beyond the unknown-key check the suite always makes. */
  invalidOptions?: InvalidOptionsCase[];
  /** Timeout per test in milliseconds. @default 30000 */
  timeout?: number;
  /**
   * More tests of the transport's own, registered inside the suite's
   * `describe` (so setup, teardown and reset apply to them too).
   */
  additionalTests?: (context: SuiteContext) => void;
}
