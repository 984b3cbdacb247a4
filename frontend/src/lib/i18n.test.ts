import { describe, expect, it } from 'vitest';
import {
  catalogues,
  defaultLang,
  formatNumber,
  interpolate,
  isLang,
  languages,
  translate,
  translatePlural,
} from './i18n';

describe('catalogues', () => {
  it('German is the default language', () => {
    expect(defaultLang).toBe('de');
    expect(languages).toEqual(['de', 'en']);
  });

  it('every language has exactly the German key set', () => {
    const want = Object.keys(catalogues.de).sort();
    for (const lang of languages) {
      expect(Object.keys(catalogues[lang]).sort(), `keys of ${lang}`).toEqual(want);
    }
  });

  it('no message is empty and placeholders agree between languages', () => {
    const placeholders = (m: string) => [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
    for (const [key, de] of Object.entries(catalogues.de)) {
      const en = catalogues.en[key as keyof typeof catalogues.en];
      expect(de.trim(), `de ${key}`).not.toBe('');
      expect(en.trim(), `en ${key}`).not.toBe('');
      expect(placeholders(en), `placeholders of ${key}`).toEqual(placeholders(de));
    }
  });

  it('names the phases as the product does', () => {
    expect(translate('de', 'phase.draft')).toBe('Entwurf');
    expect(translate('de', 'phase.ideas')).toBe('Ideensammlung');
    expect(translate('de', 'phase.live')).toBe('Live');
    expect(translate('de', 'phase.closed')).toBe('Abgeschlossen');
    expect(translate('de', 'phase.archived')).toBe('Archiviert');
    expect(translate('en', 'phase.ideas')).toBe('Idea collection');
  });
});

describe('translate', () => {
  it('looks up by language', () => {
    expect(translate('de', 'list.title')).toBe('Konferenzen');
    expect(translate('en', 'list.title')).toBe('Conferences');
  });

  it('fills placeholders', () => {
    expect(translate('de', 'nav.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada');
    expect(translate('en', 'edit.regenerated', { code: 'K7F3QX' })).toBe('New join code: K7F3QX');
  });
});

describe('interpolate', () => {
  it('leaves unknown placeholders and text without placeholders alone', () => {
    expect(interpolate('Hallo {name}, {rest}', { name: 'Bo' })).toBe('Hallo Bo, {rest}');
    expect(interpolate('ohne', { a: 1 })).toBe('ohne');
    expect(interpolate('{a}')).toBe('{a}');
  });

  it('does not treat inherited properties as parameters', () => {
    expect(interpolate('{toString}', {})).toBe('{toString}');
  });

  it('substitutes numbers and repeated placeholders', () => {
    expect(interpolate('{n} + {n} = {m}', { n: 1, m: 2 })).toBe('1 + 1 = 2');
  });
});

describe('translatePlural', () => {
  it('chooses singular and plural forms per language', () => {
    expect(translatePlural('de', 'login.rateLimited', 1)).toBe(
      'Zu viele Anmeldeversuche. Bitte versuchen Sie es in 1 Sekunde erneut.',
    );
    expect(translatePlural('de', 'login.rateLimited', 42)).toBe(
      'Zu viele Anmeldeversuche. Bitte versuchen Sie es in 42 Sekunden erneut.',
    );
    expect(translatePlural('en', 'login.rateLimited', 1)).toContain('in 1 second.');
    expect(translatePlural('en', 'login.rateLimited', 0)).toContain('in 0 seconds.');
  });

  it('formats the count for the language', () => {
    expect(translatePlural('de', 'list.count', 1200)).toBe('1.200 Konferenzen');
    expect(translatePlural('en', 'list.count', 1200)).toBe('1,200 conferences');
  });
});

describe('helpers', () => {
  it('isLang accepts only supported languages', () => {
    expect(isLang('de')).toBe(true);
    expect(isLang('en')).toBe(true);
    expect(isLang('fr')).toBe(false);
    expect(isLang(null)).toBe(false);
    expect(isLang(undefined)).toBe(false);
  });

  it('formatNumber groups digits per language', () => {
    expect(formatNumber('de', 450)).toBe('450');
    expect(formatNumber('de', 100000)).toBe('100.000');
    expect(formatNumber('en', 100000)).toBe('100,000');
  });
});
