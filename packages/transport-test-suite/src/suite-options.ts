import type { ConfigSection, TransportDefinition } from '@mailroom/core';

/** A delivered message as a peer reports it when it does not keep MIME (an HTTP API, say). */
export interface DeliveredMessage {
  subject: string;
  text: string;
  html?: string;
  /** Envelope or API recipients, when the peer knows them. */
  recipients?: string[];
  attachments?: { filename: string; content: Buffer }[];
}

/** An expected failure: a configuration under which delivery must fail as stated. */
export interface FailureCase {
  /** What the case shows, for the test name. */
  title: string;
  /** The transport section that leads to the failure. */
  section: () => ConfigSection | Promise<ConfigSection>;
  /** Where it fails and with which class: `startup` (any error at startup) or the error's class name at delivery. */
  expect: 'startup' | 'TransportFailedError' | 'MessageFailedError';
}

/** A configuration that must be refused, and the full dotted key the error names. */
export interface InvalidOptionsCase {
  section: ConfigSection;
  key: string;
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
   * suite with mailparser, an independent reader) or peer-reported fields.
   * Without it, only error behaviour is checked.
   */
  readBack?: () => Promise<(Buffer | DeliveredMessage)[]>;
  /** Switches for what the transport can do. */
  capabilities?: {
    /** Bcc recipients are delivered (in the envelope or API call). @default true */
    bcc?: boolean;
    /** Read-back includes attachments and non-ASCII bodies. @default true */
    fullMime?: boolean;
    /** Several instances may deliver at the same time. @default true */
    concurrentInstances?: boolean;
  };
  /** Messages delivered on one instance in the "many messages" test. @default 25 */
  messages?: number;
  /** Failures to check. */
  failures?: FailureCase[];
  /** Configurations to refuse, beyond the unknown-key check the suite always makes. */
  invalidOptions?: InvalidOptionsCase[];
  /** Timeout per test in milliseconds. @default 30000 */
  timeout?: number;
}
