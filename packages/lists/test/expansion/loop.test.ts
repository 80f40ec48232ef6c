import { MailError } from '@mailroom/core';
import { describe, expect, it } from 'vitest';
import { deliveriesFor, preparePost } from '../../src/expansion/expand.js';
import { LoopDetectedError } from '../../src/expansion/loop.js';
import { BASIC, post, RED } from './helpers.js';

function loopError(source: string): LoopDetectedError {
  try {
    preparePost(RED, source);
  } catch (error) {
    expect(error).toBeInstanceOf(LoopDetectedError);
    return error as LoopDetectedError;
  }
  throw new Error('expected a LoopDetectedError');
}

describe('loop rule', () => {
  it.each([
    ['X-Loop: red@lists.example.org', 'X-Loop'],
    ['X-Loop: <RED@Lists.Example.org>', 'X-Loop'],
    ['X-Loop: Red team <red@lists.example.org>', 'X-Loop'],
    ['List-Id: Red team <red.lists.example.org>', 'List-Id'],
    ['List-Id: <RED.lists.example.org>', 'List-Id'],
    ['List-Id: red.lists.example.org', 'List-Id'],
    ['List-Id: Some other name\r\n <red.lists.example.org>', 'List-Id'],
  ])('a post carrying "%s" is refused (%s)', (line, header) => {
    const error = loopError(post([...BASIC, 'Subject: Hello', line]));
    expect(error.code).toBe('ELOOP');
    expect(error.header).toBe(header);
    expect(error.list).toBe('red@lists.example.org');
    expect(MailError.isMailError(error)).toBe(true);
  });

  it('a copy we sent comes back refused', async () => {
    const [delivery] = deliveriesFor(preparePost(RED, post([...BASIC, 'Subject: Hello'])), [{ address: 'alice@example.com' }]);
    const bytes = await delivery!.message.toBuffer();
    expect(() => preparePost(RED, bytes)).toThrow(LoopDetectedError);
  });

  it("another list's markers are no loop for us", () => {
    expect(() => preparePost(RED, post([...BASIC, 'X-Loop: blue@lists.example.org', 'List-Id: <blue.lists.example.org>']))).not.toThrow();
    expect(() => preparePost(RED, post([...BASIC, 'X-Loop: red@lists.example.org.evil']))).not.toThrow();
  });
});
