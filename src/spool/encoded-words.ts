/**
 * RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`) in header text, decoded
 * with libmime for what people read and search: the subject (list, filters) and the pane's
 * headers (display names). Pure. The result is Unicode text that may hold anything the sender
 * encoded, control characters included: callers pass it through printable() before a terminal.
 * Never throws: text that does not decode (an unknown charset, bad base64) comes back as is.
 */
import libmime from 'libmime';

const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

export function decodeEncodedWords(text: string): string {
  if (!ENCODED_WORD.test(text)) return text;
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}
