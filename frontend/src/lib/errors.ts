/** Turns any thrown value into text for the user in the current language. */

import { ApiError, fieldMessage } from './api';
import { translate, type Lang, type MessageKey } from './i18n';

/** Localized general messages by the API's stable error codes. */
const messageByCode: Record<string, MessageKey> = {
  invalid: 'error.invalid',
  not_found: 'error.notFound',
  conflict: 'error.conflict',
  unauthorized: 'error.unauthorized',
  forbidden: 'error.forbidden',
  rate_limited: 'error.rateLimited',
  unavailable: 'error.unavailable',
  internal: 'error.internal',
  network: 'error.network',
};

/**
 * The general (not field-bound) message for an error. The server's `detail`
 * is the most specific text, but it is written in English only; so English
 * users get it, German users get the localized text for the error code (and
 * the detail only when the code is unknown to us).
 */
export function errorMessage(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) {
    const key = messageByCode[error.code];
    if (error.code !== 'network' && error.detail && (lang === 'en' || !key)) return error.detail;
    if (key) return translate(lang, key);
    if (error.status === 401) return translate(lang, 'error.unauthorized');
    if (error.status === 403) return translate(lang, 'error.forbidden');
  }
  return translate(lang, 'error.generic');
}

/** Messages of field problems whose field the form does not show, so none is lost. */
export function unplacedFieldMessages(error: unknown, lang: Lang, shownFields: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields.filter((f) => !shownFields.includes(f.field)).map((f) => fieldMessage(f, lang));
}

/**
 * A field problem found in the browser, shaped like the server's (both
 * languages from the catalogue), so forms show it the same way.
 */
export function localFieldError(field: string, key: MessageKey, params?: Record<string, string | number>): ApiError {
  return new ApiError({
    status: 422,
    code: 'invalid',
    fields: [{ field, code: 'required', de: translate('de', key, params), en: translate('en', key, params) }],
  });
}
