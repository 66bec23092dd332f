import { strict as assert } from 'assert';
import { parseIntStrict } from '../../cli/args';
import { UsageError } from '../../cli/command';
import { escapeText, shellQuote } from '../../cli/escape';

describe('parseIntStrict', () => {
  it('takes decimal digits within the range, leading zeros included', () => {
    assert.equal(parseIntStrict('7', '--seed', { min: 0, max: 10 }), 7);
    assert.equal(parseIntStrict('0', '--seed', { min: 0, max: 10 }), 0);
    assert.equal(parseIntStrict('010', '--seed', { min: 0, max: 10 }), 10);
    assert.equal(parseIntStrict('4294967295', '--seed', { min: 0, max: 2 ** 32 - 1 }), 4294967295);
  });

  it('refuses every other spelling Number() would take, and values out of range, naming the flag', () => {
    for (const v of ['1e2', '0x2', '0b1', '0o7', '2.0', '.5', ' 2', '2 ', '+2', '-0', '', 'Infinity', '\u0663', '1_000', '4294967296', '99999999999999999999']) {
      assert.throws(() => parseIntStrict(v, '--seed', { min: 0, max: 2 ** 32 - 1 }), (e: unknown) => e instanceof UsageError
        && e.message === `--seed must be an integer from 0 to 4294967295, got '${escapeText(v)}'`, JSON.stringify(v));
    }
  });

  it('says ">= min" when only a minimum is set', () => {
    assert.throws(() => parseIntStrict('two', '--batch'), { message: "--batch must be an integer >= 1, got 'two'" });
    assert.throws(() => parseIntStrict('0', '--batch'), { message: "--batch must be an integer >= 1, got '0'" });
  });
});

describe('escapeText', () => {
  it('escapes control characters, line breaks and bidirectional overrides, and nothing else', () => {
    assert.equal(escapeText('a\nb\r\tc\u001b[31md\u0000\u007f\u0085'), 'a\\nb\\r\\tc\\x1b[31md\\x00\\x7f\\x85');
    assert.equal(escapeText('x\u202ey\u2028z\u2066'), 'x\\u202ey\\u2028z\\u2066');
    assert.equal(escapeText('runs/mnist-prelu ü 日本 ²'), 'runs/mnist-prelu ü 日本 ²');
  });
});

describe('shellQuote', () => {
  it('leaves plain paths alone and quotes the rest so a shell reads them back', () => {
    assert.equal(shellQuote('runs/tiny-20260101/x.ts'), 'runs/tiny-20260101/x.ts');
    assert.equal(shellQuote('my runs/a'), "'my runs/a'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });
});
