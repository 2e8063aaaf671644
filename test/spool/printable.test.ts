import { describe, expect, it } from 'vitest';
import { isPrintable, printable, quote822Local, showqAddress, showqPrintable } from '../../src/spool/printable.js';

describe('showq address form (quote_822_local + printable)', () => {
  it.each([
    ['plain@example.org', 'plain@example.org'],
    ['weird sender@example.org', '"weird sender"@example.org'],
    ['john doe@example.com', '"john doe"@example.com'],
    ['tab\there@example.com', '"tab?here"@example.com'],
    ['a"b@example.com', '"a\\"b"@example.com'],
    ['.dot@example.com', '".dot"@example.com'],
    ['a..b@example.com', '"a..b"@example.com'],
    ['no-at-sign', 'no-at-sign'],
  ])('%j -> %j', (raw, shown) => {
    expect(showqAddress(Buffer.from(raw, 'latin1'))).toBe(shown);
  });

  it('keeps valid UTF-8, replaces invalid bytes and controls with ?', () => {
    expect(showqAddress(Buffer.from('jürgen@example.de', 'utf8'))).toBe('jürgen@example.de');
    expect(showqAddress(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x40, 0x78]))).toBe('bad?@x');
    expect(showqPrintable(Buffer.from('a\x1b[2Jb'))).toBe('a?[2Jb');
  });

  it('the empty address is the empty_address_recipient', () => {
    expect(showqAddress(Buffer.alloc(0))).toBe('MAILER-DAEMON');
    expect(showqAddress(Buffer.alloc(0), 'postmaster-bounce')).toBe('postmaster-bounce');
  });

  it('quote822Local leaves a dot-atom alone', () => {
    expect(quote822Local(Buffer.from('a.b+c@d')).toString()).toBe('a.b+c@d');
  });
});

describe('printable(): the terminal sanitizer', () => {
  it('makes escape sequences, BEL, NUL, CR and DEL visible', () => {
    const hostile = 'Subject: \x1b[2J\x1b]0;owned\x07\x00\r\x7f';
    const safe = printable(hostile);
    expect(safe).toBe('Subject: ^[[2J^[]0;owned^G^@^M^?');
    expect(safe).not.toMatch(/[\x00-\x1f\x7f]/);
  });

  it('makes C1 controls (8-bit CSI) and bidi overrides visible', () => {
    expect(printable('a\u009b31mb')).toBe('a<U+009B>31mb');
    expect(printable('user\u202Egnp.exe')).toBe('user<U+202E>gnp.exe');
    expect(printable('\u2066x\u2069')).toBe('<U+2066>x<U+2069>');
  });

  it('keeps tabs and newlines only when asked', () => {
    expect(printable('a\tb\nc')).toBe('a^Ib^Jc');
    expect(printable('a\tb\nc', { keepTab: true, keepNewline: true })).toBe('a\tb\nc');
  });

  it('leaves ordinary text, UTF-8 included, unchanged', () => {
    const text = 'Grüße, 日本語, emoji 📬, quotes "x" <a@b>';
    expect(printable(text)).toBe(text);
    expect(isPrintable(text)).toBe(true);
    expect(isPrintable('\x1b')).toBe(false);
  });
});
