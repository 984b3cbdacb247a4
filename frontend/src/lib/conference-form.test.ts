import { describe, expect, it } from 'vitest';
import type { Conference } from './conference';
import {
  emptyConferenceForm,
  formFromConference,
  isEmptyPatch,
  parseCapacity,
  parseLines,
  slugify,
  toCreateBody,
  toPatchBody,
} from './conference-form';

const conference: Conference = {
  id: 7,
  slug: 'tag-der-ideen',
  title: 'Tag der Ideen',
  description: 'Zeile 1\nZeile 2',
  startsAt: '2026-06-01T07:00:00Z',
  endsAt: '2026-06-01T15:00:00Z',
  venue: 'Rathaus',
  capacity: 450,
  phase: 'draft',
  joinCode: 'K7F3QX',
  topics: ['Digitalisierung', 'Personal'],
  departments: ['Bürgeramt', 'IT'],
  anonymity: 'allowed',
  lateIdeas: false,
  version: 3,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  nextPhases: ['ideas', 'live'],
};

describe('toCreateBody', () => {
  it('converts the inputs to the API body', () => {
    expect(
      toCreateBody({
        slug: ' tag-der-ideen ',
        title: ' Tag der Ideen ',
        description: 'Text\n',
        startsAt: '2026-06-01T09:00',
        endsAt: '2026-06-01T17:00',
        venue: ' Rathaus ',
        capacity: 450,
        topics: ' Digitalisierung \n\nPersonal\r\nDigitalisierung\n',
        departments: '',
        anonymity: 'always',
        lateIdeas: true,
      }),
    ).toEqual({
      slug: 'tag-der-ideen',
      title: 'Tag der Ideen',
      description: 'Text\n',
      startsAt: '2026-06-01T09:00:00+02:00',
      endsAt: '2026-06-01T17:00:00+02:00',
      venue: 'Rathaus',
      capacity: 450,
      topics: ['Digitalisierung', 'Personal'],
      departments: [],
      anonymity: 'always',
      lateIdeas: true,
    });
  });

  it('leaves out empty times and capacity, so the server reports what is missing', () => {
    const body = toCreateBody(emptyConferenceForm());
    expect(body).toEqual({
      slug: '',
      title: '',
      description: '',
      venue: '',
      topics: [],
      departments: [],
      anonymity: 'allowed',
      lateIdeas: false,
    });
    expect('startsAt' in body).toBe(false);
    expect('capacity' in body).toBe(false);
  });
});

describe('parseCapacity', () => {
  it('accepts what number inputs hand over', () => {
    expect(parseCapacity(12)).toBe(12);
    expect(parseCapacity('12')).toBe(12);
    expect(parseCapacity('')).toBeUndefined();
    expect(parseCapacity(null)).toBeUndefined();
    expect(parseCapacity(Number.NaN)).toBeUndefined();
    expect(parseCapacity('zwölf')).toBe(-1);
  });
});

describe('formFromConference / toPatchBody', () => {
  it('fills the form in Berlin time', () => {
    expect(formFromConference(conference)).toEqual({
      slug: 'tag-der-ideen',
      title: 'Tag der Ideen',
      description: 'Zeile 1\nZeile 2',
      startsAt: '2026-06-01T09:00',
      endsAt: '2026-06-01T17:00',
      venue: 'Rathaus',
      capacity: '450',
      topics: 'Digitalisierung\nPersonal',
      departments: 'Bürgeramt\nIT',
      anonymity: 'allowed',
      lateIdeas: false,
    });
  });

  it('sends nothing but the version for an untouched form', () => {
    const patch = toPatchBody(formFromConference(conference), conference);
    expect(patch).toEqual({ version: 3 });
    expect(isEmptyPatch(patch)).toBe(true);
  });

  it('shows capacity 0 as an empty field and saves a cleared field as 0', () => {
    const none = { ...conference, capacity: 0 };
    expect(formFromConference(none).capacity).toBe('');
    expect(toPatchBody(formFromConference(none), none)).toEqual({ version: 3 });
    const cleared = { ...formFromConference(conference), capacity: '' };
    expect(toPatchBody(cleared, conference)).toEqual({ version: 3, capacity: 0 });
  });

  it('sends only what changed', () => {
    const v = formFromConference(conference);
    v.title = 'Tag der Ideen 2026';
    v.endsAt = '2026-06-01T18:00';
    v.capacity = 500;
    const patch = toPatchBody(v, conference);
    expect(patch).toEqual({ version: 3, title: 'Tag der Ideen 2026', endsAt: '2026-06-01T18:00:00+02:00', capacity: 500 });
    expect(isEmptyPatch(patch)).toBe(false);
  });
});

describe('idea market settings', () => {
  it('sends changed lists, policy and late ideas, and not reordered whitespace', () => {
    const v = formFromConference(conference);
    v.topics = 'Digitalisierung  \nPersonal\n\n';
    expect(toPatchBody(v, conference)).toEqual({ version: 3 });
    v.departments = 'IT\nBürgeramt';
    v.anonymity = 'never';
    v.lateIdeas = true;
    expect(toPatchBody(v, conference)).toEqual({
      version: 3,
      departments: ['IT', 'Bürgeramt'],
      anonymity: 'never',
      lateIdeas: true,
    });
  });

  it('parseLines trims, drops empty lines and duplicates', () => {
    expect(parseLines('')).toEqual([]);
    expect(parseLines(' a \r\n\n b\na ')).toEqual(['a', 'b']);
  });
});

describe('slugify', () => {
  it('transliterates German and drops the rest', () => {
    expect(slugify('Bürgerforum Straßenbau 2026')).toBe('buergerforum-strassenbau-2026');
    expect(slugify('  Ärger über Öl & Gas!  ')).toBe('aerger-ueber-oel-gas');
    expect(slugify('Café résumé')).toBe('cafe-resume');
    expect(slugify('---')).toBe('');
  });

  it('cuts to the maximum length without a trailing hyphen', () => {
    expect(slugify('abc def', 4)).toBe('abc');
    expect(slugify('a'.repeat(80))).toHaveLength(60);
  });
});
