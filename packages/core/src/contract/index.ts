/**
 * The contract between core, transports and managers, in one place: what a
 * transport package implements (TransportDefinition, Transport), what it may
 * return (TransportReceipt), what a manager implements (ManagerDefinition,
 * Manager) and what a caller gets back (DeliveryResult). Start reading here.
 */
export type { ConfigSection } from '../configuration/config-section.js';
export type { Logger, LogMethod } from '../logger.js';
export type { DeliveryResult, MessageSender } from './delivery-result.js';
export type {
  DeliveryObserver,
  Manager,
  ManagerContext,
  ManagerDefinition,
  RetryEvent,
  ShutdownOptions,
  TransportFactory,
} from './manager.js';
export type { RecipientRejection, TransportReceipt } from './receipt.js';
export type { Transport, TransportContext, TransportDefinition } from './transport.js';
