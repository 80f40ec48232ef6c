import * as core from '@mailroom/core';
import { describe, expect, it } from 'vitest';

describe("core's public exports", () => {
  it('keep internals out of the index: loading, meta-transport plumbing, manager factories', () => {
    const internals = [
      'createMetaTransport',
      'loadDefinition',
      'isDefinition',
      'TRANSPORT_PACKAGES',
      'MANAGER_PACKAGES',
      'parseMetaDsn',
      'parseMetaOptions',
      'parseMailerConfig',
      'coreManagers',
      'coreTransports',
      'backoffDelay',
      'createDynamicManager',
      'createFuturesManager',
      'createImmediateManager',
    ];
    for (const name of internals) expect(Object.keys(core)).not.toContain(name);
  });

  it('offer what users and transport authors need', () => {
    const needed = [
      'Mailer',
      'Message',
      'Address',
      'AddressList',
      'MailError',
      'MailConfigurationError',
      'MessageError',
      'MessageFailedError',
      'TransportFailedError',
      'TransportExhaustedError',
      'DeliveryFailedError',
      'MailerNotRunningError',
      'silentLogger',
      'createLineLogger',
      'option',
      'parseSection',
      'invalidOption',
      'parseNamedValues',
      'describeValue',
      'failoverTransport',
      'roundRobinTransport',
      'immediateManager',
      'futuresManager',
      'dynamicManager',
    ];
    for (const name of needed) expect(Object.keys(core)).toContain(name);
  });
});
