import { generateKeyPairSync } from 'node:crypto';
import { MailConfigurationError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../src/server-config.js';

const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-feedback';

const keyOf = (config: Record<string, unknown>) => {
  try {
    parseServerConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(MailConfigurationError);
    return { key: (error as MailConfigurationError).key, message: (error as Error).message };
  }
  throw new Error('expected a configuration error');
};

describe('server.http.webhooks.*', () => {
  it('is off by default; each provider is on once its required key is set, with its defaults', () => {
    expect(parseServerConfig({}).http.webhooks).toEqual({ maxBytes: 1_048_576 });
    const settings = parseServerConfig({
      server: { http: { webhooks: { ses: { topics: [TOPIC] }, sendgrid: { publicKey: ecKey, maxAge: '60' } } } },
    }).http.webhooks;
    expect(settings).toEqual({
      maxBytes: 1_048_576,
      ses: { path: '/webhooks/ses', topics: [TOPIC] },
      sendgrid: { path: '/webhooks/sendgrid', publicKey: ecKey, maxAge: 60 },
    });
  });

  it('names the full key of a bad or missing value, without echoing the key material', () => {
    expect(keyOf({ 'server.http.webhooks.ses.path': '/ses' }).key).toBe('server.http.webhooks.ses.topics');
    expect(keyOf({ 'server.http.webhooks.ses.topics': ['arn:aws:s3:::bucket'] }).key).toBe('server.http.webhooks.ses.topics.0');
    expect(keyOf({ 'server.http.webhooks.sendgrid.path': '/sg' }).key).toBe('server.http.webhooks.sendgrid.publicKey');
    const rsa = keyOf({ 'server.http.webhooks.sendgrid.publicKey': rsaKey });
    expect(rsa.key).toBe('server.http.webhooks.sendgrid.publicKey');
    expect(rsa.message).not.toContain(rsaKey.slice(20, 60));
    expect(keyOf({ 'server.http.webhooks.sendgrid.publicKey': ecKey, 'server.http.webhooks.sendgrid.maxAge': 0 }).key).toBe(
      'server.http.webhooks.sendgrid.maxAge',
    );
    expect(keyOf({ 'server.http.webhooks.maxBytes': 10 }).key).toBe('server.http.webhooks.maxBytes');
    expect(keyOf({ 'server.http.webhooks.mailgun.key': 'x' }).key).toBe('server.http.webhooks.mailgun.key');
    expect(keyOf({ 'server.http.webhooks.ses.topics': [TOPIC], 'server.http.webhooks.ses.path': 'no-slash' }).key).toBe(
      'server.http.webhooks.ses.path',
    );
  });
});
