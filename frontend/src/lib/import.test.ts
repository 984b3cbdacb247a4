import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { adjustedLines, normalizeImportResult, percent, rejectedLines } from './import';

describe('normalizeImportResult', () => {
  it('fills lists and flags a terse server leaves out', () => {
    expect(normalizeImportResult({ ideas: 3 }, true)).toEqual({
      ideas: 3,
      comments: 0,
      addedTopics: [],
      addedDepartments: [],
      adjusted: [],
      dryRun: true,
    });
    expect(normalizeImportResult(null, false).dryRun).toBe(false);
    expect(normalizeImportResult({ dryRun: false }, true).dryRun).toBe(false);
  });
});

describe('import report lines', () => {
  it('sorts adjusted rows by line, then field, in the chosen language', () => {
    const result = normalizeImportResult(
      {
        ideas: 2,
        adjusted: [
          { line: 9, field: 'title', code: 'shortened', de: 'Titel gekürzt', en: 'Title shortened' },
          { line: 3, field: 'topic', code: 'added', de: 'Thema ergänzt', en: 'Topic added' },
          { line: 3, field: 'body', code: 'x', de: 'Text', en: '' },
        ],
      },
      true,
    );
    expect(adjustedLines(result, 'en')).toEqual([
      { field: 'body', line: 3, message: 'Text' },
      { field: 'topic', line: 3, message: 'Topic added' },
      { field: 'title', line: 9, message: 'Title shortened' },
    ]);
  });

  it('turns the rejected rows of a 422 into lines and ignores other errors', () => {
    const err = new ApiError({
      status: 422,
      code: 'invalid',
      fields: [
        { field: 'comments', code: 'unknown_idea', de: 'Idee 17 fehlt', en: 'Idea 17 is missing', line: 4 },
        { field: 'ideas', code: 'empty', de: 'Weder Titel noch Text', en: 'Neither title nor body', line: 12 },
        { field: 'ideas', code: 'empty', de: 'Keine Ideen', en: 'No ideas' },
      ],
    });
    expect(rejectedLines(err, 'de')).toEqual([
      { field: 'ideas', line: 0, message: 'Keine Ideen' },
      { field: 'comments', line: 4, message: 'Idee 17 fehlt' },
      { field: 'ideas', line: 12, message: 'Weder Titel noch Text' },
    ]);
    expect(rejectedLines(new ApiError({ status: 500, code: 'internal' }), 'de')).toEqual([]);
  });
});

describe('percent', () => {
  it('rounds and clamps, and is null without a known size', () => {
    expect(percent(0, 200)).toBe(0);
    expect(percent(101, 200)).toBe(51);
    expect(percent(300, 200)).toBe(100);
    expect(percent(5, 0)).toBeNull();
  });
});
