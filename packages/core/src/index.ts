// The contract transports and managers implement (start reading in ./contract/).
export type * from './contract/index.js';

// What users of a Mailer need.
export { Address, type AddressInput } from './address/address.js';
export { AddressList, type AddressListInput } from './address/address-list.js';
export type { MailerConfig } from './configuration/config-section.js';
export { redactDsn, sectionFromDsn } from './configuration/dsn.js';
export { flattenConfig } from './configuration/flatten.js';
export * from './errors/index.js';
export { createLineLogger, LOG_LEVELS, type LogLevel, silentLogger } from './logger.js';
export { Mailer, type MailerEvents, type MailerOptions, type ThrottleEvent } from './mailer.js';
export { DEFAULT_DKIM_HEADERS, type DkimAlgorithm, type DkimOptions } from './dkim/dkim-options.js';
export type { MailerStats } from './mailer-stats.js';
export type { AttachOptions, Attachment } from './message/attachment.js';
export { htmlToText } from './message/html-to-text.js';
export { Message, type RawMessageOptions } from './message/message.js';
export type { Body, HeadersInput, MessageFields, Priority, RawSource } from './message/message-fields.js';
export type { SplitSource } from './message/split-source.js';

// The built-in managers and meta transports, as definitions to pass to `manager.use` / `transport.use`.
export { dynamicManager } from './managers/dynamic-manager.js';
export { futuresManager } from './managers/futures-manager.js';
export { immediateManager } from './managers/immediate-manager.js';
export type { DynamicOptions, FuturesOptions, ImmediateOptions } from './managers/manager-options.js';
// Per-destination-domain limits, for managers outside the core (BullMQ) to share.
export { DomainGate, type DomainSnapshot, type GateEvents } from './managers/domains/domain-gate.js';
export { type DomainLimit, type DomainSettings, parseDomainSettings, splitDomainKeys } from './managers/domains/domain-options.js';
export { domainOf, isThrottleSignal } from './managers/domains/throttle-signal.js';
export type { TelemetryOptions } from './telemetry/telemetry-options.js';
export type { SuppressedRecipient, SuppressionCheck, SuppressionProvider } from './suppression/suppression-check.js';
export { failoverTransport, type MetaTransportOptions } from './transports/failover.js';
export { roundRobinTransport } from './transports/roundrobin.js';

// What transport authors need to parse their options the way every transport does.
export { invalidOption, parseNamedValues } from './configuration/named-values.js';
export { describeValue, option, parseSection } from './configuration/options-schema.js';
export { type OptionAliases, parseSectionWithAliases } from './configuration/option-aliases.js';
export { type DsnShape, dsnReader } from './configuration/dsn-reader.js';
export {
  FILE_SYSTEM_ERRORS,
  type FileSystemErrorMeaning,
  type FileSystemErrorOptions,
  fileSystemError,
} from './errors/file-system-error.js';
