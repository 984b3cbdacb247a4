import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { csvCell, invitesCsv, lineErrors, previewAddresses } from './invites';

describe('previewAddresses', () => {
  it('finds addresses separated by line breaks, commas, semicolons, tabs and blanks', () => {
    const text = 'a@stadt.de, b@stadt.de;c@stadt.de\r\nd@stadt.de\te@stadt.de f@stadt.de\n\n';
    expect(previewAddresses(text)).toEqual(['a@stadt.de', 'b@stadt.de', 'c@stadt.de', 'd@stadt.de', 'e@stadt.de', 'f@stadt.de']);
  });

  it('takes the address of "Name <address>" and quoted CSV cells, drops duplicates and the header', () => {
    const text = '\uFEFFemail,name\n"Erika Muster <Erika.Muster@Stadt.de>",Erika\nerika.muster@stadt.de\n"max@amt.de";"Max"';
    expect(previewAddresses(text)).toEqual(['erika.muster@stadt.de', 'max@amt.de']);
  });

  it('finds nothing in text without addresses', () => {
    expect(previewAddresses('')).toEqual([]);
    expect(previewAddresses('Hallo Welt\nkeine Adresse')).toEqual([]);
  });
});

describe('invitesCsv', () => {
  it('writes a BOM, a header and one line per invite with CRLF line ends', () => {
    const csv = invitesCsv([
      { email: 'a@stadt.de', link: 'https://ideen.stadt.de/conferences/tag/join?invite=abc', reissued: false },
      { email: 'b@stadt.de', link: 'https://ideen.stadt.de/conferences/tag/join?invite=d,e', reissued: true },
    ]);
    expect(csv).toBe(
      '\uFEFFemail,link,reissued\r\n' +
        'a@stadt.de,https://ideen.stadt.de/conferences/tag/join?invite=abc,no\r\n' +
        'b@stadt.de,"https://ideen.stadt.de/conferences/tag/join?invite=d,e",yes\r\n',
    );
  });

  it('quotes and defuses cells that spreadsheets would read as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+49 30')).toBe("'+49 30");
    expect(csvCell('@home')).toBe("'@home");
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('lineErrors', () => {
  it('lists the problems of a rejected list by line, in the chosen language', () => {
    const err = new ApiError({
      status: 422,
      code: 'invalid',
      fields: [
        { field: 'emails', code: 'invalid', de: 'Keine gültige E-Mail-Adresse: x', en: 'Not a valid e-mail address: x', line: 7 },
        { field: 'emails', code: 'invalid', de: 'Keine gültige E-Mail-Adresse: y', en: 'Not a valid e-mail address: y', line: 2 },
      ],
    });
    expect(lineErrors(err, 'de')).toEqual([
      { line: 2, message: 'Keine gültige E-Mail-Adresse: y' },
      { line: 7, message: 'Keine gültige E-Mail-Adresse: x' },
    ]);
    expect(lineErrors(err, 'en')[0]?.message).toBe('Not a valid e-mail address: y');
  });

  it('gives problems without a line line 0, and nothing for other errors', () => {
    const err = new ApiError({ status: 422, code: 'invalid', fields: [{ field: 'emails', code: 'required', de: 'Bitte …', en: 'Please …' }] });
    expect(lineErrors(err, 'de')).toEqual([{ line: 0, message: 'Bitte …' }]);
    expect(lineErrors(new Error('x'), 'de')).toEqual([]);
  });
});
