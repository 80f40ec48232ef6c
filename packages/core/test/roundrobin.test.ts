import { describe, expect, it } from 'vitest';
import { Mailer, Message, roundRobinTransport, silentLogger } from '../src/index.js';
import { fake } from './failover-fakes.js';

function message(index: number): Message {
  return new Message({ author: 'robot@example.org', to: 'alice@example.org', subject: `m${index}`, plain: 'hi' });
}

describe('roundrobin: spreads deliveries', () => {
  it('30 messages from 4 workers land 10, 10, 10 on three transports', async () => {
    const children = [fake('a'), fake('b'), fake('c')];
    const mailer = new Mailer({ manager: { use: 'futures', workers: 4 }, transport: { use: 'roundrobin', transports: children } });
    await mailer.start();
    const results = await Promise.all(Array.from({ length: 30 }, (_, index) => mailer.send(message(index))));
    await mailer.stop();
    expect(children.map((child) => child.delivered.length)).toEqual([10, 10, 10]);
    expect(results.every((result) => result.transport === 'roundrobin')).toBe(true);
  });

  it('takes turns in order on one instance: a, b, c, a, b, c', async () => {
    const children = [fake('a'), fake('b'), fake('c')];
    const options = roundRobinTransport.parseOptions({ transports: children });
    const transport = roundRobinTransport.create(options, { logger: silentLogger });
    await transport.startup();
    const via: unknown[] = [];
    for (let index = 0; index < 6; index += 1) via.push(((await transport.deliver(message(index))) as { via: string }).via);
    await transport.shutdown();
    expect(via).toEqual(['a', 'b', 'c', 'a', 'b', 'c'].map((name, index) => `transports.${index % 3} (${name})`));
  });

  it('gives a failed transport’s turns to the others while it is skipped', async () => {
    const children = [fake('a'), fake('b', 'refuse-startup'), fake('c')];
    const options = roundRobinTransport.parseOptions({ transports: children, retryPeriod: 60 });
    const transport = roundRobinTransport.create(options, { logger: silentLogger });
    await transport.startup();
    for (let index = 0; index < 12; index += 1) await transport.deliver(message(index));
    await transport.shutdown();
    expect(children[1]?.stats.startups).toBe(1);
    expect(children[0]?.delivered.length).toBe(4);
    expect(children[2]?.delivered.length).toBe(8);
  });
});
