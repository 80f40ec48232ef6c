/** One component's configuration: keys without the component's dotted prefix. */
export type ConfigSection = Record<string, unknown>;

/** A configuration dictionary: nested, flat with dotted keys, or a mix of both. */
export type MailerConfig = Record<string, unknown>;
