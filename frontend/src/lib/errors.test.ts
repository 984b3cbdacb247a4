import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { errorMessage, unplacedFieldMessages } from './errors';

describe('errorMessage', () => {
  const conflict = new ApiError({ status: 409, code: 'conflict', detail: 'A conference in phase draft cannot move to closed.' });

  it('gives English users the server detail', () => {
    expect(errorMessage(conflict, 'en')).toBe('A conference in phase draft cannot move to closed.');
  });

  it('gives German users a German text for known codes', () => {
    expect(errorMessage(conflict, 'de')).toBe(
      'Das ist im aktuellen Zustand nicht möglich. Bitte laden Sie die Seite neu.',
    );
    expect(errorMessage(new ApiError({ status: 403, code: 'forbidden', detail: 'Only organisers may do this.' }), 'de')).toBe(
      'Dafür fehlt Ihnen die Berechtigung.',
    );
  });

  it('falls back to the detail for unknown codes, then to a generic text', () => {
    expect(errorMessage(new ApiError({ status: 418, code: 'teapot', detail: 'I am a teapot.' }), 'de')).toBe('I am a teapot.');
    expect(errorMessage(new ApiError({ status: 502, code: 'http_error' }), 'de')).toBe(
      'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
    );
    expect(errorMessage(new Error('boom'), 'en')).toBe('Something went wrong. Please try again.');
  });

  it('explains network failures in the user language', () => {
    const err = new ApiError({ status: 0, code: 'network', detail: 'Failed to fetch' });
    expect(errorMessage(err, 'en')).toBe('The server cannot be reached. Please check your connection.');
  });
});

describe('unplacedFieldMessages', () => {
  it('lists problems of fields the form does not show', () => {
    const err = new ApiError({
      status: 400,
      code: 'invalid',
      fields: [
        { field: 'title', code: 'type', de: 'Bitte einen Text angeben.', en: 'Please give a text.' },
        { field: 'body', code: 'malformed', de: 'Kein gültiges JSON.', en: 'Not valid JSON.' },
      ],
    });
    expect(unplacedFieldMessages(err, 'de', ['title'])).toEqual(['Kein gültiges JSON.']);
    expect(unplacedFieldMessages(err, 'en', ['title', 'body'])).toEqual([]);
    expect(unplacedFieldMessages('x', 'en', [])).toEqual([]);
  });
});
