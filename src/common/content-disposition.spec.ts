import { describe, expect, it } from '@jest/globals';
import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it("encodes every character that is not an RFC 8187 attr-char, the ' of O'Brien included", () => {
    expect(contentDisposition('attachment', "A001-O'Brien (Sales)*!-2026 H1.pdf")).toBe(
      `attachment; filename="A001-O'Brien (Sales)*!-2026 H1.pdf"; filename*=UTF-8''A001-O%27Brien%20%28Sales%29%2A%21-2026%20H1.pdf`,
    );
  });

  it('keeps Chinese names in filename* and gives an ASCII stand-in, quotes and backslashes neutralised', () => {
    expect(contentDisposition('inline', '王伟-"x"\\.html')).toBe(`inline; filename="__-_x__.html"; filename*=UTF-8''%E7%8E%8B%E4%BC%9F-%22x%22%5C.html`);
  });
});
