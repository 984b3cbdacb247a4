import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  carryCandidates,
  carryOverMessages,
  carryTargets,
  clampProgress,
  entryChanges,
  exportUrl,
  followUpFormFromIdea,
  followUpProblemsError,
  groupOutcomes,
  ideaIdOfField,
  ideaStatuses,
  isUnfinished,
  normalizeMyIdea,
  normalizeOutcomes,
  outcomesPath,
  parseProgress,
  settableStatuses,
  sortEntries,
  statusKey,
  statusSymbol,
  statusTone,
  toFollowUpInput,
  validateFollowUp,
  visibleFollowUpFields,
  type FollowUpEntry,
  type FollowUpFields,
  type FollowUpValues,
  type OutcomeIdea,
} from './followup';
import { translate } from './i18n';

const idea = (extra: Partial<FollowUpFields> = {}): FollowUpFields => ({
  status: 'new',
  statusReason: '',
  officialAnswer: '',
  responsibleUnit: '',
  progress: 0,
  ...extra,
});

const values = (original: FollowUpFields, extra: Partial<FollowUpValues> = {}): FollowUpValues => ({
  ...followUpFormFromIdea(original),
  ...extra,
});

describe('status labels', () => {
  it('names every status in German and English', () => {
    const de = ideaStatuses.map((s) => translate('de', statusKey(s)));
    expect(de).toEqual([
      'Neu',
      'In Prüfung',
      'Angenommen',
      'In Umsetzung',
      'Umgesetzt',
      'Abgelehnt',
      'Zusammengeführt',
      'Übernommen',
    ]);
    const en = ideaStatuses.map((s) => translate('en', statusKey(s)));
    expect(en).toEqual(['New', 'In review', 'Accepted', 'In progress', 'Implemented', 'Rejected', 'Merged', 'Carried over']);
  });

  it('reads unknown statuses as new', () => {
    expect(statusKey('weird')).toBe('followup.status.new');
  });

  it('gives every status a symbol, so the badge does not rely on colour', () => {
    const symbols = ideaStatuses.map(statusSymbol);
    expect(new Set(symbols).size).toBe(ideaStatuses.length);
    expect(statusTone('rejected')).toBe('negative');
    expect(statusTone('implemented')).toBe('done');
    expect(statusTone('carried_over')).toBe('moved');
  });

  it('lets organisers set only the lifecycle statuses', () => {
    expect(settableStatuses).not.toContain('merged');
    expect(settableStatuses).not.toContain('carried_over');
  });

  it('knows which ideas are unfinished', () => {
    expect(isUnfinished({ status: 'in_progress', hidden: false })).toBe(true);
    expect(isUnfinished({ status: 'implemented', hidden: false })).toBe(false);
    expect(isUnfinished({ status: 'rejected', hidden: false })).toBe(false);
    expect(isUnfinished({ status: 'new', hidden: true })).toBe(false);
    expect(isUnfinished({ status: 'new', hidden: false, mergedIntoId: 4 })).toBe(false);
  });
});

describe('progress', () => {
  it('parses whole numbers only', () => {
    expect(parseProgress(40)).toBe(40);
    expect(parseProgress(' 7 ')).toBe(7);
    expect(parseProgress('')).toBeNull();
    expect(parseProgress(null)).toBeNull();
    expect(parseProgress('12.5')).toBeNull();
    expect(parseProgress('-3')).toBe(-3);
  });

  it('clamps for the bar', () => {
    expect(clampProgress(150)).toBe(100);
    expect(clampProgress(-1)).toBe(0);
    expect(clampProgress(Number.NaN)).toBe(0);
    expect(clampProgress(33.6)).toBe(34);
  });
});

describe('follow-up form', () => {
  it('shows the reason only for rejections and progress only where it can change', () => {
    expect(visibleFollowUpFields('rejected')).toContain('reason');
    expect(visibleFollowUpFields('rejected')).not.toContain('progress');
    expect(visibleFollowUpFields('accepted')).not.toContain('reason');
    expect(visibleFollowUpFields('accepted')).toContain('progress');
    expect(visibleFollowUpFields('implemented')).not.toContain('progress');
  });

  it('requires a reason for a rejection, as the server does', () => {
    const original = idea();
    expect(validateFollowUp(values(original, { status: 'rejected', reason: '  ' }), original)).toEqual({
      reason: 'followup.error.reasonRequired',
    });
    expect(validateFollowUp(values(original, { status: 'rejected', reason: 'x'.repeat(2001) }), original)).toEqual({
      reason: 'followup.error.reasonTooLong',
    });
    expect(validateFollowUp(values(original, { status: 'rejected', reason: 'Zu teuer.' }), original)).toEqual({});
  });

  it('counts characters as the server does (code points)', () => {
    const original = idea();
    expect(validateFollowUp(values(original, { status: 'rejected', reason: '😀'.repeat(2000) }), original)).toEqual({});
  });

  it('checks progress and the text bounds', () => {
    const original = idea({ status: 'in_progress' });
    expect(validateFollowUp(values(original, { progress: 101 }), original).progress).toBe('followup.error.progress');
    expect(validateFollowUp(values(original, { progress: null }), original).progress).toBe('followup.error.progress');
    expect(validateFollowUp(values(original, { progress: '2.5' }), original).progress).toBe('followup.error.progress');
    expect(validateFollowUp(values(original, { responsibleUnit: 'x'.repeat(201) }), original).responsibleUnit).toBe(
      'followup.error.unitTooLong',
    );
    expect(validateFollowUp(values(original, { officialAnswer: 'x'.repeat(10_001) }), original).officialAnswer).toBe(
      'followup.error.answerTooLong',
    );
    expect(validateFollowUp(values(original, { note: 'x'.repeat(2001) }), original).note).toBe('followup.error.noteTooLong');
  });

  it('ignores progress for rejected and implemented ideas', () => {
    const original = idea({ status: 'in_progress', progress: 40 });
    expect(validateFollowUp(values(original, { status: 'implemented', progress: 'abc' }), original)).toEqual({});
    expect(toFollowUpInput(values(original, { status: 'implemented', progress: 60 }), original, 3)).toEqual({
      status: 'implemented',
      version: 3,
    });
  });

  it('refuses a request that changes nothing, but a note alone is a step', () => {
    const original = idea({ status: 'accepted', officialAnswer: 'Wird gemacht.' });
    expect(validateFollowUp(values(original), original)).toEqual({ form: 'followup.error.noChange' });
    expect(validateFollowUp(values(original, { officialAnswer: ' Wird gemacht. ' }), original)).toEqual({
      form: 'followup.error.noChange',
    });
    expect(toFollowUpInput(values(original), original, 2)).toBeNull();
    expect(toFollowUpInput(values(original, { note: ' Termin mit dem Amt ' }), original, 2)).toEqual({
      note: 'Termin mit dem Amt',
      version: 2,
    });
  });

  it('sends only what changed, trimmed, with the version', () => {
    const original = idea({ status: 'in_review', responsibleUnit: 'Amt 61', progress: 10 });
    expect(
      toFollowUpInput(
        values(original, { status: 'accepted', officialAnswer: ' **Ja** ', progress: 25, note: 'Beschluss' }),
        original,
        7,
      ),
    ).toEqual({ status: 'accepted', officialAnswer: '**Ja**', progress: 25, note: 'Beschluss', version: 7 });
    expect(toFollowUpInput(values(original, { responsibleUnit: '' }), original, 7)).toEqual({
      responsibleUnit: '',
      version: 7,
    });
  });

  it('sends the reason together with the rejected status', () => {
    const original = idea({ status: 'in_review', progress: 20 });
    expect(toFollowUpInput(values(original, { status: 'rejected', reason: ' Zu teuer ' }), original, 1)).toEqual({
      status: 'rejected',
      reason: 'Zu teuer',
      version: 1,
    });
    const rejected = idea({ status: 'rejected', statusReason: 'Zu teuer' });
    expect(toFollowUpInput(values(rejected, { reason: 'Kein Platz' }), rejected, 4)).toEqual({
      status: 'rejected',
      reason: 'Kein Platz',
      version: 4,
    });
    expect(toFollowUpInput(values(rejected), rejected, 4)).toBeNull();
  });

  it('turns local problems into a 422-shaped error in both languages', () => {
    const error = followUpProblemsError({ reason: 'followup.error.reasonRequired', form: 'followup.error.noChange' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.status).toBe(422);
    expect(error?.fields.map((f) => f.field)).toEqual(['reason', 'body']);
    expect(error?.fields[0]?.de).toContain('Grund');
    expect(error?.fields[0]?.en).toContain('reason');
    expect(followUpProblemsError({})).toBeNull();
  });
});

describe('timeline', () => {
  const entry = (extra: Partial<FollowUpEntry>): FollowUpEntry => ({
    id: 1,
    ideaId: 9,
    conferenceId: 3,
    kind: 'update',
    authorName: 'Organisation',
    createdAt: '2026-10-01T10:00:00Z',
    ...extra,
  });

  it('lists what an update changed', () => {
    expect(
      entryChanges(
        entry({ fromStatus: 'new', toStatus: 'accepted', officialAnswer: 'Ja', responsibleUnit: '', progress: 10 }),
      ),
    ).toEqual([
      { kind: 'status', from: 'new', to: 'accepted' },
      { kind: 'answer', text: 'Ja' },
      { kind: 'unit', text: '' },
      { kind: 'progress', value: 10 },
    ]);
    expect(entryChanges(entry({ note: 'nur eine Notiz' }))).toEqual([]);
  });

  it('names the target of a carry-over, or nothing when it is not public', () => {
    expect(
      entryChanges(
        entry({ kind: 'carried_over', targetConferenceId: 5, targetConferenceSlug: 'mak-2027', targetConferenceTitle: 'MAK 2027' }),
      ),
    ).toEqual([{ kind: 'carried', conference: { id: 5, slug: 'mak-2027', title: 'MAK 2027' } }]);
    expect(entryChanges(entry({ kind: 'carried_over', targetConferenceId: 5, targetConferenceTitle: '' }))).toEqual([
      { kind: 'carried', conference: null },
    ]);
  });

  it('orders entries oldest first, ties by id', () => {
    const sorted = sortEntries([
      entry({ id: 3, createdAt: '2026-10-02T00:00:00Z' }),
      entry({ id: 2, createdAt: '2026-10-01T00:00:00Z' }),
      entry({ id: 1, createdAt: '2026-10-01T00:00:00Z' }),
    ]);
    expect(sorted.map((e) => e.id)).toEqual([1, 2, 3]);
  });
});

describe('my ideas', () => {
  it('reads the server items', () => {
    const item = normalizeMyIdea({
      id: 4,
      conferenceId: 2,
      conferenceSlug: 'mak-2026',
      conferenceTitle: 'MAK 2026',
      title: 'Bänke',
      status: 'accepted',
      mine: true,
      supported: false,
      latest: null,
    });
    expect(item?.conference).toEqual({ id: 2, slug: 'mak-2026', title: 'MAK 2026' });
    expect(item?.mine).toBe(true);
    expect(item?.supported).toBe(false);
    expect(item?.latest).toBeNull();
    expect(normalizeMyIdea(null)).toBeNull();
    expect(normalizeMyIdea({ title: 'ohne id' })).toBeNull();
  });
});

describe('outcomes', () => {
  const o = (id: number, status: string, supportCount = 0, extra: Partial<OutcomeIdea> = {}): OutcomeIdea => ({
    id,
    title: `Idee ${id}`,
    status,
    supportCount,
    ...extra,
  });

  it('groups by status in lifecycle order, most supported first, without empty groups', () => {
    const groups = groupOutcomes([o(1, 'rejected', 1), o(2, 'new', 1), o(3, 'accepted', 5), o(4, 'new', 9), o(5, 'odd')]);
    expect(groups.map((g) => g.status)).toEqual(['new', 'accepted', 'rejected']);
    expect(groups[0]?.ideas.map((i) => i.id)).toEqual([4, 2, 5]);
  });

  it('reads the server document: groups and the ideas carried out', () => {
    const doc = {
      conference: { id: 1, slug: 'mak-2025', title: 'MAK 2025', startsAt: '2025-09-10T07:00:00Z' },
      groups: [
        { status: 'new', ideas: [o(1, 'new', 2)] },
        { status: 'in_review', ideas: [] },
        { status: 'implemented', ideas: [o(2, 'implemented', 8, { progress: 100 })] },
      ],
      carriedOver: [
        {
          ...o(3, 'in_review', 12),
          stage: { ideaId: 3, conferenceId: 1, status: 'accepted', supports: 7, comments: 1, targetConferenceId: 2, carriedAt: '2026-01-01T00:00:00Z' },
          targetConferenceSlug: 'mak-2026',
          targetConferenceTitle: 'MAK 2026',
        },
        {
          ...o(4, 'new', 1),
          stage: { ideaId: 4, conferenceId: 1, status: 'new', supports: 1, comments: 0, targetConferenceId: 9, carriedAt: '2026-01-01T00:00:00Z' },
          targetConferenceSlug: '',
          targetConferenceTitle: '',
        },
      ],
    };
    const out = normalizeOutcomes(doc, { id: 1, slug: 'mak-2025', title: 'alt' });
    expect(out.conference.title).toBe('MAK 2025');
    expect(out.groups.map((g) => g.status)).toEqual(['new', 'implemented']);
    expect(out.carriedOut[0]).toMatchObject({
      id: 3,
      status: 'carried_over',
      statusThen: 'accepted',
      supportCount: 7,
      targetConference: { id: 2, slug: 'mak-2026', title: 'MAK 2026' },
    });
    expect(out.carriedOut[1]?.targetConference).toBeNull();
    expect(normalizeOutcomes(null, { id: 1, slug: 'x', title: 'X' })).toEqual({
      conference: { id: 1, slug: 'x', title: 'X' },
      groups: [],
      carriedOut: [],
    });
  });

  it('offers unfinished, visible, unmerged ideas for carry-over', () => {
    const out = normalizeOutcomes(
      {
        groups: [
          { status: 'new', ideas: [o(1, 'new'), o(2, 'new', 0, { hidden: true })] },
          { status: 'in_progress', ideas: [o(3, 'in_progress')] },
          { status: 'implemented', ideas: [o(4, 'implemented')] },
          { status: 'rejected', ideas: [o(5, 'rejected')] },
        ],
      },
      { id: 1, slug: 'x', title: 'X' },
    );
    expect(carryCandidates(out).map((i) => i.id)).toEqual([1, 3]);
  });

  it('offers only conferences that have not started, and not this one', () => {
    const list = [
      { slug: 'a', phase: 'draft' as const },
      { slug: 'b', phase: 'ideas' as const },
      { slug: 'c', phase: 'live' as const },
      { slug: 'd', phase: 'closed' as const },
      { slug: 'this', phase: 'ideas' as const },
    ];
    expect(carryTargets(list, 'this').map((c) => c.slug)).toEqual(['a', 'b']);
  });

  it('maps carry-over problems to the ideas by their place in the request', () => {
    expect(ideaIdOfField('ideaIds.1', [10, 20, 30])).toBe(20);
    expect(ideaIdOfField('ideaIds[2]', [10, 20, 30])).toBe(30);
    expect(ideaIdOfField('ideaIds.7', [10])).toBe(0);
    expect(ideaIdOfField('target', [10])).toBe(0);
    const error = new ApiError({
      status: 422,
      code: 'invalid',
      fields: [
        { field: 'ideaIds.0', code: 'finished', de: 'Schon umgesetzt.', en: 'Already implemented.' },
        { field: 'target', code: 'started', de: 'Hat schon begonnen.', en: 'Has started.' },
        { field: 'ideaIds.0', code: 'x', de: 'Noch etwas.', en: 'More.' },
      ],
    });
    const messages = carryOverMessages(error, [42], 'de');
    expect(messages.get(42)).toEqual(['Schon umgesetzt.', 'Noch etwas.']);
    expect(messages.get(0)).toEqual(['Hat schon begonnen.']);
    expect(carryOverMessages(new Error('x'), [42], 'de').size).toBe(0);
  });

  it('builds links', () => {
    expect(outcomesPath('tag der ideen')).toBe('/c/tag%20der%20ideen/outcomes');
    expect(exportUrl('mak-2026', 'csv')).toBe('/api/v1/conferences/mak-2026/export.csv');
    expect(exportUrl('mak-2026', 'xlsx')).toBe('/api/v1/conferences/mak-2026/export.xlsx');
  });
});
