/**
 * The current UI language: German unless the user chose English, persisted in
 * localStorage and mirrored to <html lang>. `t()` reads reactive state, so
 * every template using it re-renders on a language switch.
 */

import {
  defaultLang,
  isLang,
  translate,
  translatePlural,
  type Lang,
  type MessageKey,
  type MessageParams,
  type PluralBase,
} from './i18n';

/** Also read by public/theme-init.js before the first paint. */
export const LANG_STORAGE_KEY = 'ideenmarkt.lang';

function storedLang(): Lang {
  try {
    const value = localStorage.getItem(LANG_STORAGE_KEY);
    return isLang(value) ? value : defaultLang;
  } catch {
    return defaultLang;
  }
}

const state = $state({ lang: storedLang() });
document.documentElement.lang = state.lang;

export const locale = {
  get lang(): Lang {
    return state.lang;
  },
};

export function setLang(lang: Lang): void {
  state.lang = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage may be disabled; the choice then lasts for this page load only.
  }
}

/** Translates `key` in the current language. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(state.lang, key, params);
}

/** Translates a count-dependent message in the current language. */
export function tn(base: PluralBase, count: number, params?: MessageParams): string {
  return translatePlural(state.lang, base, count, params);
}
