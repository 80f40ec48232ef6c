export { Address, type AddressInput } from './address/address.js';
export { AddressList, type AddressListInput } from './address/address-list.js';
export type { ConfigSection, MailerConfig } from './configuration/config-section.js';
export { isDefinition, loadDefinition, MANAGER_PACKAGES, TRANSPORT_PACKAGES } from './configuration/component-loader.js';
export { isDsn, parseDsn, redactDsn, sectionFromDsn } from './configuration/dsn.js';
export { flattenConfig } from './configuration/flatten.js';
export { type ParsedMailerConfig, parseMailerConfig } from './configuration/mailer-config.js';
export { invalidOption, parseNamedValues } from './configuration/named-values.js';
export { describeValue, option, parseSection } from './configuration/options-schema.js';
export type { DeliveryResult, MessageSender, RecipientRejection, TransportReceipt } from './delivery-result.js';
export * from './errors/index.js';
export { createLineLogger, LOG_LEVELS, type LogLevel, type Logger, type LogMethod, silentLogger } from './logger.js';
export { Mailer, type MailerEvents, type MailerOptions } from './mailer.js';
export type { MailerStats } from './mailer-stats.js';
export { backoffDelay } from './managers/retry-policy.js';
export { coreManagers } from './managers/core-managers.js';
export { createDynamicManager, dynamicManager } from './managers/dynamic-manager.js';
export { createFuturesManager, futuresManager } from './managers/futures-manager.js';
export { createImmediateManager, immediateManager } from './managers/immediate-manager.js';
export type {
  DeliveryObserver,
  Manager,
  ManagerContext,
  ManagerDefinition,
  RetryEvent,
  ShutdownOptions,
  TransportFactory,
} from './managers/manager.js';
export type { DynamicOptions, FuturesOptions, ImmediateOptions } from './managers/manager-options.js';
export type { AttachOptions, Attachment } from './message/attachment.js';
export { htmlToText } from './message/html-to-text.js';
export { Message, type RawMessageOptions } from './message/message.js';
export type { Body, HeadersInput, MessageFields, Priority, RawSource } from './message/message-fields.js';
export type { SplitSource } from './message/split-source.js';
export { coreTransports } from './transports/core-transports.js';
export {
  type ChildOrder,
  createMetaTransport,
  failoverTransport,
  type MetaTransportOptions,
  parseMetaDsn,
  parseMetaOptions,
} from './transports/failover.js';
export { roundRobinTransport } from './transports/roundrobin.js';
export type { Transport, TransportContext, TransportDefinition } from './transports/transport.js';
