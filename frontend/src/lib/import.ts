/**
 * Importing ideas (and comments) from CSV files: the upload with progress
 * (XMLHttpRequest, because fetch reports no upload progress) and the shaping
 * of the answer for the page.
 */

import { ApiError, api, apiUrl, conferenceApiPath, CSRF_HEADER, errorFromResponse, fieldMessage } from './api';
import type { Lang } from './i18n';

/** A row the server took with a change (e.g. a shortened title). */
export interface AdjustedRow {
  line: number;
  field: string;
  code: string;
  de: string;
  en: string;
}

export interface ImportResult {
  ideas: number;
  comments: number;
  addedTopics: string[];
  addedDepartments: string[];
  adjusted: AdjustedRow[];
  /** Checked only, nothing written. */
  dryRun: boolean;
}

/** One line of the report shown to the organiser. */
export interface ImportLine {
  /** Which file: the server names the field ("ideas", "comments") or a column. */
  field: string;
  line: number;
  message: string;
}

/** Fills what an older or terser server leaves out. */
export function normalizeImportResult(raw: Partial<ImportResult> | null | undefined, dryRun: boolean): ImportResult {
  return {
    ideas: raw?.ideas ?? 0,
    comments: raw?.comments ?? 0,
    addedTopics: raw?.addedTopics ?? [],
    addedDepartments: raw?.addedDepartments ?? [],
    adjusted: raw?.adjusted ?? [],
    dryRun: raw?.dryRun ?? dryRun,
  };
}

function byLine(a: ImportLine, b: ImportLine): number {
  return a.line - b.line || a.field.localeCompare(b.field);
}

/** The adjusted rows, in `lang`, sorted by line. */
export function adjustedLines(result: ImportResult, lang: Lang): ImportLine[] {
  return result.adjusted.map((a) => ({ field: a.field, line: a.line ?? 0, message: fieldMessage(a, lang) })).sort(byLine);
}

/** The rejected rows of a failed import (422), in `lang`, sorted by line; [] for other errors. */
export function rejectedLines(error: unknown, lang: Lang): ImportLine[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields.map((f) => ({ field: f.field, line: f.line ?? 0, message: fieldMessage(f, lang) })).sort(byLine);
}

/** Upload progress in whole percent, or null when the size is unknown. */
export function percent(loaded: number, total: number): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.max(0, Math.round((loaded / total) * 100)));
}

export interface ImportUpload {
  slug: string;
  ideas: File;
  comments?: File | null;
  dryRun: boolean;
  /** Upload progress; `null` percent when the browser cannot tell. */
  onprogress?: (percent: number | null) => void;
  /** The files are sent; the server is working on them. */
  onuploaded?: () => void;
  signal?: AbortSignal;
}

/** Sends the files as multipart/form-data and resolves with the server's summary. */
export async function uploadImport(u: ImportUpload): Promise<ImportResult> {
  const token = await api.csrfToken();
  const body = new FormData();
  body.append('ideas', u.ideas);
  if (u.comments) body.append('comments', u.comments);
  if (u.dryRun) body.append('dryRun', 'true');

  return new Promise<ImportResult>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(`${conferenceApiPath(u.slug)}/import`));
    xhr.withCredentials = true;
    xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const lang = document.documentElement.lang;
    if (lang) xhr.setRequestHeader('Accept-Language', lang);
    xhr.upload.onprogress = (e) => u.onprogress?.(e.lengthComputable ? percent(e.loaded, e.total) : null);
    xhr.upload.onload = () => u.onuploaded?.();
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network', detail: 'upload failed' }));
    xhr.onabort = () => reject(new DOMException('Aborted', 'AbortError'));
    xhr.onload = () => {
      const headers = new Headers();
      const type = xhr.getResponseHeader('Content-Type');
      if (type) headers.set('Content-Type', type);
      const retry = xhr.getResponseHeader('Retry-After');
      if (retry) headers.set('Retry-After', retry);
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(normalizeImportResult(JSON.parse(xhr.responseText) as Partial<ImportResult>, u.dryRun));
        } catch {
          reject(new ApiError({ status: xhr.status, code: 'http_error' }));
        }
        return;
      }
      const status = xhr.status >= 400 && xhr.status <= 599 ? xhr.status : 500;
      void errorFromResponse(new Response(xhr.responseText, { status, statusText: xhr.statusText, headers })).then(reject);
    };
    u.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
