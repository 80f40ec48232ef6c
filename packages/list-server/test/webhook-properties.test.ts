import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendGridFeedback } from '../src/http/webhooks/sendgrid-events.js';
import { sesFeedback } from '../src/http/webhooks/ses-events.js';
import { isSnsUrl, type SnsMessage, snsVerifier } from '../src/http/webhooks/sns-signature.js';
import { signSns, snsCertificate } from './support/webhook-keys.js';

const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem';
let sns: { key: string; certificate: string };
beforeAll(() => {
  sns = snsCertificate();
});

const fields = fc.record({
  Message: fc.string({ unit: 'grapheme', maxLength: 200 }),
  MessageId: fc.uuid(),
  Subject: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  Timestamp: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  TopicArn: fc.constantFrom('arn:aws:sns:eu-west-1:123456789012:a', 'arn:aws:sns:us-east-1:123456789012:b-c'),
});

describe('SNS signatures (property)', () => {
  it('any notification signed with the certificate verifies (v1 and v2); changing any signed field breaks it', async () => {
    const verify = snsVerifier(async () => sns.certificate);
    await fc.assert(
      fc.asyncProperty(
        fields,
        fc.constantFrom('1', '2' as const),
        fc.constantFrom('Message', 'MessageId', 'Timestamp', 'TopicArn'),
        async (given, version, field) => {
          const message = { Type: 'Notification', SigningCertURL: CERT_URL, ...given };
          if (message.Subject === undefined) delete message.Subject;
          const signed = signSns(message as Record<string, string>, sns.key, version as '1' | '2') as unknown as SnsMessage;
          expect(await verify(signed)).toBe(true);
          const changed = { ...signed, [field]: `${(signed as unknown as Record<string, string>)[field]}x` } as SnsMessage;
          expect(await verify(changed)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fetches certificates only from HTTPS on sns.<region>.amazonaws.com', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), (url) => {
        const host = new URL(url).hostname;
        expect(isSnsUrl(url)).toBe(
          url.startsWith('https:') && /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/.test(host) && new URL(url).port === '',
        );
      }),
    );
    const region = fc
      .tuple(fc.stringMatching(/^[a-z]{2}$/), fc.stringMatching(/^[a-z]{1,12}$/), fc.integer({ min: 1, max: 9 }))
      .map(([area, name, number]) => `${area}-${name}-${number}`);
    fc.assert(
      fc.property(region, fc.webPath(), (name, path) => {
        expect(isSnsUrl(`https://sns.${name}.amazonaws.com${path}`, name)).toBe(true);
        expect(isSnsUrl(`https://sns.${name}.amazonaws.com${path}`, 'xx-other-1')).toBe(false);
        expect(isSnsUrl(`http://sns.${name}.amazonaws.com${path}`)).toBe(false);
      }),
    );
    expect(isSnsUrl(CERT_URL)).toBe(true);
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com:8443/x.pem')).toBe(false);
    expect(isSnsUrl('https://user@sns.eu-west-1.amazonaws.com/x.pem')).toBe(false);
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com.evil.org/x.pem')).toBe(false);
  });
});

describe('provider event parsers (property)', () => {
  it('never throw on any JSON, and only name addresses the input gave', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const given = JSON.stringify(value);
        for (const feedback of [...(sendGridFeedback(value) ?? []), ...(sesFeedback(value) ?? [])]) {
          expect(given).toContain(JSON.stringify(feedback.address).slice(1, -1));
          expect(['hard-bounce', 'complaint', 'unsubscribe', 'manual', 'ignore']).toContain(feedback.kind);
        }
      }),
    );
  });
});
