/**
 * Follow-up after the conference (docs/follow-up.md): the status lifecycle
 * and its labels, the organisers' follow-up form (values, validation that
 * mirrors backend/followup.go, the request body), the timeline and
 * conference history of an idea, "Meine Ideen", a conference's outcomes
 * grouped by status, and carrying unfinished ideas into a later conference.
 * Pure functions plus the API calls; the views wire them to the DOM.
 */

import { ApiError, api, apiUrl, conferenceApiPath, fieldMessage, itemsOf, type RequestOptions } from './api';
import type { Conference, Phase } from './conference';
import { translate, type Lang, type MessageKey } from './i18n';
import { charCount, type Idea } from './idea';
import type { IdeaRoundResult } from './voting';

/** Every status, in lifecycle order (the order of the outcomes page's groups). */
export const ideaStatuses = [
  'new',
  'in_review',
  'accepted',
  'in_progress',
  'implemented',
  'rejected',
  'merged',
  'carried_over',
] as const;
export type IdeaStatus = (typeof ideaStatuses)[number];

/** The statuses an organiser may set; `merged` and `carried_over` come from merging and carrying over only. */
export const settableStatuses = ['new', 'in_review', 'accepted', 'in_progress', 'implemented', 'rejected'] as const;
export type SettableStatus = (typeof settableStatuses)[number];

/** Unfinished ideas may be carried into a later conference. */
export const unfinishedStatuses: readonly IdeaStatus[] = ['new', 'in_review', 'accepted', 'in_progress'];

/** Bounds as the server checks them, in characters (code points). */
export const REASON_MAX = 2000;
export const ANSWER_MAX = 10_000;
export const UNIT_MAX = 200;
export const NOTE_MAX = 2000;
export const PROGRESS_MIN = 0;
export const PROGRESS_MAX = 100;

export function isIdeaStatus(value: unknown): value is IdeaStatus {
  return typeof value === 'string' && (ideaStatuses as readonly string[]).includes(value);
}

export function isSettableStatus(value: unknown): value is SettableStatus {
  return typeof value === 'string' && (settableStatuses as readonly string[]).includes(value);
}

/** Catalogue key of a status's name ("Angenommen"); unknown statuses read as "new". */
export function statusKey(status: string): MessageKey {
  return `followup.status.${isIdeaStatus(status) ? status : 'new'}`;
}

/**
 * The badge look of a status: a colour (which only repeats the word) and a
 * symbol, so the status never depends on colour alone.
 */
export type StatusTone = 'neutral' | 'info' | 'positive' | 'progress' | 'done' | 'negative' | 'moved';

export function statusTone(status: string): StatusTone {
  switch (status) {
    case 'in_review':
      return 'info';
    case 'accepted':
      return 'positive';
    case 'in_progress':
      return 'progress';
    case 'implemented':
      return 'done';
    case 'rejected':
      return 'negative';
    case 'merged':
    case 'carried_over':
      return 'moved';
    default:
      return 'neutral';
  }
}

/** A symbol for each status (decorative; the word says it). */
export function statusSymbol(status: string): string {
  switch (status) {
    case 'in_review':
      return '?';
    case 'accepted':
      return '✓';
    case 'in_progress':
      return '◔';
    case 'implemented':
      return '✔';
    case 'rejected':
      return '✕';
    case 'merged':
      return '⇉';
    case 'carried_over':
      return '→';
    default:
      return '•';
  }
}

export function isUnfinished(idea: Pick<Idea, 'status' | 'hidden'> & { mergedIntoId?: number | null }): boolean {
  return unfinishedStatuses.includes(idea.status as IdeaStatus) && !idea.hidden && idea.mergedIntoId == null;
}

/** Clamps a progress value to a whole percent 0–100 (for the progress bar). */
export function clampProgress(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.min(PROGRESS_MAX, Math.max(PROGRESS_MIN, Math.round(n)));
}

/** Whether an idea has anything to show under "Wie geht's weiter?" beyond its status. */
export function hasFollowUp(idea: FollowUpFields): boolean {
  return (
    !!idea.statusReason?.trim() ||
    !!idea.officialAnswer?.trim() ||
    !!idea.responsibleUnit?.trim() ||
    (idea.progress ?? 0) > 0
  );
}

/** The follow-up fields of an idea (optional: older servers and fixtures may leave them out). */
export interface FollowUpFields {
  status: string;
  statusReason?: string;
  officialAnswer?: string;
  responsibleUnit?: string;
  progress?: number;
}

// ---------------------------------------------------------------------------
// The follow-up form

export interface FollowUpValues {
  status: string;
  reason: string;
  officialAnswer: string;
  responsibleUnit: string;
  /** As typed: a number input gives a number, an emptied one null. */
  progress: string | number | null;
  note: string;
}

/** Field names in form order; they match the API's field names. */
export const followUpFields = ['status', 'reason', 'officialAnswer', 'responsibleUnit', 'progress', 'note'] as const;
export type FollowUpField = (typeof followUpFields)[number];

/** Body of POST /ideas/{id}/follow-up: absent fields stay as they are. */
export interface FollowUpInput {
  status?: SettableStatus;
  reason?: string;
  officialAnswer?: string;
  responsibleUnit?: string;
  progress?: number;
  note?: string;
  version: number;
}

export function followUpFormFromIdea(idea: FollowUpFields): FollowUpValues {
  return {
    status: idea.status,
    reason: idea.statusReason ?? '',
    officialAnswer: idea.officialAnswer ?? '',
    responsibleUnit: idea.responsibleUnit ?? '',
    progress: idea.progress ?? 0,
    note: '',
  };
}

/**
 * The fields the form shows for a status: a reason only for rejected;
 * progress for every status but rejected (no progress) and implemented
 * (always 100 %).
 */
export function visibleFollowUpFields(status: string): FollowUpField[] {
  return followUpFields.filter((f) => {
    if (f === 'reason') return status === 'rejected';
    if (f === 'progress') return status !== 'rejected' && status !== 'implemented';
    return true;
  });
}

/** The progress as a whole number, or null when it is not one ("", "12.5", "abc"). */
export function parseProgress(value: string | number | null): number | null {
  if (value === null) return null;
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) return null;
  return Number(text);
}

export type FollowUpProblems = Partial<Record<FollowUpField | 'form', MessageKey>>;

/**
 * The problems the server would find (backend/followup.go), found before
 * sending: a settable status, a reason (1–2,000 characters) for rejected,
 * progress a whole number 0–100, the text bounds, and at least one change
 * or a note.
 */
export function validateFollowUp(values: FollowUpValues, original: FollowUpFields): FollowUpProblems {
  const problems: FollowUpProblems = {};
  if (values.status !== original.status && !isSettableStatus(values.status)) problems.status = 'followup.error.status';
  if (values.status === 'rejected') {
    const reason = values.reason.trim();
    if (reason === '') problems.reason = 'followup.error.reasonRequired';
    else if (charCount(reason) > REASON_MAX) problems.reason = 'followup.error.reasonTooLong';
  } else if (values.status !== 'implemented') {
    const progress = parseProgress(values.progress);
    if (progress === null || progress < PROGRESS_MIN || progress > PROGRESS_MAX) problems.progress = 'followup.error.progress';
  }
  if (charCount(values.officialAnswer.trim()) > ANSWER_MAX) problems.officialAnswer = 'followup.error.answerTooLong';
  if (charCount(values.responsibleUnit.trim()) > UNIT_MAX) problems.responsibleUnit = 'followup.error.unitTooLong';
  if (charCount(values.note.trim()) > NOTE_MAX) problems.note = 'followup.error.noteTooLong';
  if (Object.keys(problems).length === 0 && toFollowUpInput(values, original, 0) === null) problems.form = 'followup.error.noChange';
  return problems;
}

/**
 * The problems found in the browser as an ApiError shaped like the server's
 * 422 (both languages from the catalogue), so the form shows them the same
 * way. A problem with the whole form goes under `body`, as the server's
 * "nothing changed" does.
 */
export function followUpProblemsError(problems: FollowUpProblems): ApiError | null {
  const entries = Object.entries(problems) as Array<[FollowUpField | 'form', MessageKey]>;
  if (entries.length === 0) return null;
  return new ApiError({
    status: 422,
    code: 'invalid',
    fields: entries.map(([field, key]) => ({
      field: field === 'form' ? 'body' : field,
      code: 'invalid',
      de: translate('de', key),
      en: translate('en', key),
    })),
  });
}

/**
 * The request body: only what changed, plus the loaded version; null when
 * nothing changed and there is no note (the server refuses such a request,
 * so the timeline holds no empty entries). Implemented means 100 percent,
 * which the server sets itself; a rejected idea's progress is left alone.
 */
export function toFollowUpInput(values: FollowUpValues, original: FollowUpFields, version: number): FollowUpInput | null {
  const input: FollowUpInput = { version };
  let changed = false;
  const status = values.status;
  if (status !== original.status && isSettableStatus(status)) {
    input.status = status;
    changed = true;
  }
  if (status === 'rejected') {
    const reason = values.reason.trim();
    if (reason !== (original.statusReason ?? '').trim() || input.status) {
      // The reason belongs to the status: send both, so the server checks them together.
      if (reason !== (original.statusReason ?? '').trim()) changed = true;
      input.status = 'rejected';
      input.reason = reason;
    }
  }
  const answer = values.officialAnswer.trim();
  if (answer !== (original.officialAnswer ?? '').trim()) {
    input.officialAnswer = answer;
    changed = true;
  }
  const unit = values.responsibleUnit.trim();
  if (unit !== (original.responsibleUnit ?? '').trim()) {
    input.responsibleUnit = unit;
    changed = true;
  }
  if (status !== 'rejected' && status !== 'implemented') {
    const progress = parseProgress(values.progress);
    if (progress !== null && progress !== (original.progress ?? 0)) {
      input.progress = progress;
      changed = true;
    }
  }
  const note = values.note.trim();
  if (note) input.note = note;
  return changed || note ? input : null;
}

// ---------------------------------------------------------------------------
// Timeline and conference history

/** A conference as the follow-up documents name it. */
export interface ConferenceRef {
  id: number;
  slug: string;
  title: string;
  startsAt?: string;
  endsAt?: string;
  phase?: Phase;
}

/**
 * One step of an idea's timeline (backend TimelineEntry): unchanged fields
 * are absent. The server names the conferences; one the visitor may not see
 * (a draft) has an empty slug and title.
 */
export interface FollowUpEntry {
  id: number;
  ideaId: number;
  conferenceId: number;
  kind: 'update' | 'carried_over' | string;
  authorName: string;
  fromStatus?: string;
  toStatus?: string;
  reason?: string;
  officialAnswer?: string | null;
  responsibleUnit?: string | null;
  progress?: number | null;
  note?: string;
  targetConferenceId?: number | null;
  createdAt: string;
  conferenceSlug?: string;
  conferenceTitle?: string;
  targetConferenceSlug?: string;
  targetConferenceTitle?: string;
}

/** The idea's standing in a conference it left by carry-over (backend StageView). */
export interface IdeaStage {
  ideaId: number;
  conferenceId: number;
  /** The idea's status when it left. */
  status: string;
  supports: number;
  comments: number;
  targetConferenceId: number;
  carriedAt: string;
  conferenceSlug?: string;
  conferenceTitle?: string;
  targetConferenceSlug?: string;
  targetConferenceTitle?: string;
}

export interface Timeline {
  entries: FollowUpEntry[];
  stages: IdeaStage[];
}

/** A conference named by a document, or null when the visitor may not see it (no title). */
export function namedConference(id: number | null | undefined, slug?: string, title?: string): ConferenceRef | null {
  if (id == null || !title) return null;
  return { id, slug: slug ?? '', title };
}

/** What one timeline entry changed, as parts the page lists (the values are the new ones). */
export type EntryChange =
  | { kind: 'status'; from: string; to: string }
  | { kind: 'reason'; text: string }
  | { kind: 'answer'; text: string }
  | { kind: 'unit'; text: string }
  | { kind: 'progress'; value: number }
  | { kind: 'carried'; conference: ConferenceRef | null };

export function entryChanges(entry: FollowUpEntry): EntryChange[] {
  const out: EntryChange[] = [];
  if (entry.kind === 'carried_over') {
    out.push({
      kind: 'carried',
      conference: namedConference(entry.targetConferenceId, entry.targetConferenceSlug, entry.targetConferenceTitle),
    });
    return out;
  }
  if (entry.toStatus && entry.toStatus !== entry.fromStatus) {
    out.push({ kind: 'status', from: entry.fromStatus ?? '', to: entry.toStatus });
  }
  if (entry.reason) out.push({ kind: 'reason', text: entry.reason });
  if (entry.officialAnswer != null) out.push({ kind: 'answer', text: entry.officialAnswer });
  if (entry.responsibleUnit != null) out.push({ kind: 'unit', text: entry.responsibleUnit });
  if (entry.progress != null) out.push({ kind: 'progress', value: entry.progress });
  return out;
}

/** Oldest first, ties by id: the order the page lists the timeline in. */
export function sortEntries(entries: readonly FollowUpEntry[]): FollowUpEntry[] {
  return [...entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
}

/** Stages oldest first. */
export function sortStages(stages: readonly IdeaStage[]): IdeaStage[] {
  return [...stages].sort((a, b) => a.carriedAt.localeCompare(b.carriedAt) || a.conferenceId - b.conferenceId);
}

/** Turns a conference (as the API sends it) into a ref. */
export function refOf(c: Pick<Conference, 'id' | 'slug' | 'title'> & Partial<Pick<Conference, 'startsAt' | 'endsAt' | 'phase'>>): ConferenceRef {
  const ref: ConferenceRef = { id: Number(c.id), slug: c.slug, title: c.title };
  if (c.startsAt) ref.startsAt = c.startsAt;
  if (c.endsAt) ref.endsAt = c.endsAt;
  if (c.phase) ref.phase = c.phase;
  return ref;
}

// ---------------------------------------------------------------------------
// "Meine Ideen"

/** One idea of GET /me/ideas: the idea, its conference, why it is listed and its latest update. */
export interface MyIdea {
  idea: Idea & FollowUpFields;
  conference: ConferenceRef;
  /** This browser wrote it. */
  mine: boolean;
  /** This browser supports it. */
  supported: boolean;
  latest: FollowUpEntry | null;
}

/**
 * Reads one item of GET /me/ideas: the idea's fields (IdeaView, with `mine`
 * and `supported` for this browser) plus `conferenceTitle` and `latest`, the
 * newest timeline entry or null.
 */
export function normalizeMyIdea(raw: unknown): MyIdea | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const idea = r as unknown as Idea & FollowUpFields;
  if (typeof idea.id !== 'number') return null;
  const conference: ConferenceRef = {
    id: Number(idea.conferenceId),
    slug: String(idea.conferenceSlug ?? ''),
    title: typeof r.conferenceTitle === 'string' ? r.conferenceTitle : '',
  };
  const latest = (r.latest ?? null) as FollowUpEntry | null;
  return { idea, conference, mine: idea.mine === true, supported: idea.supported === true, latest };
}

// ---------------------------------------------------------------------------
// Outcomes of a conference

/** A round result as GET /ideas/{id}/results and the outcomes send it (see voting.ts). */
export type OutcomeResult = IdeaRoundResult;

/** An idea on the outcomes page: its follow-up, and where it went if it was carried out. */
export interface OutcomeIdea extends FollowUpFields {
  id: number;
  title: string;
  topic?: string;
  department?: string;
  supportCount: number;
  commentCount?: number;
  hidden?: boolean;
  mergedIntoId?: number | null;
  version?: number;
  /** Public round results, newest round first. */
  results?: OutcomeResult[];
  updatedAt?: string;
  /** For ideas carried out of the conference: where they went, and when. */
  targetConference?: ConferenceRef | null;
  carriedAt?: string;
  /** For ideas carried out: the status they had when they left. */
  statusThen?: string;
}

export interface OutcomeGroup {
  status: IdeaStatus;
  ideas: OutcomeIdea[];
}

export interface Outcomes {
  conference: ConferenceRef;
  groups: OutcomeGroup[];
  /** Ideas carried out of this conference into later ones ("übernommen in …"). */
  carriedOut: OutcomeIdea[];
}

/**
 * Groups ideas by status in lifecycle order; within a group the most
 * supported come first (ties by title). Empty groups are left out.
 */
export function groupOutcomes(ideas: readonly OutcomeIdea[]): OutcomeGroup[] {
  const byStatus = new Map<IdeaStatus, OutcomeIdea[]>();
  for (const idea of ideas) {
    const status: IdeaStatus = isIdeaStatus(idea.status) ? idea.status : 'new';
    const list = byStatus.get(status) ?? [];
    list.push(idea);
    byStatus.set(status, list);
  }
  return ideaStatuses
    .filter((s) => byStatus.has(s))
    .map((status) => ({
      status,
      ideas: (byStatus.get(status) ?? []).sort(
        (a, b) => b.supportCount - a.supportCount || a.title.localeCompare(b.title, 'de'),
      ),
    }));
}

/** A carried-out idea as the outcomes send it: the idea as it is now, its stage here, the target's names. */
interface RawCarried extends OutcomeIdea {
  stage?: Partial<IdeaStage>;
  targetConferenceSlug?: string;
  targetConferenceTitle?: string;
}

/**
 * Reads GET /conferences/{slug}/outcomes: `groups` (one per settable
 * status, empty ones included: left out here, and regrouped so the order
 * does not depend on the server) and `carriedOver`, the ideas that left,
 * shown with their stage's figures: status carried_over, the supports they
 * had when they left.
 */
export function normalizeOutcomes(raw: unknown, fallback: ConferenceRef): Outcomes {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    conference?: Partial<ConferenceRef>;
    groups?: Array<{ status?: string; ideas?: OutcomeIdea[] | null }> | null;
    carriedOver?: RawCarried[] | null;
  };
  const ideas: OutcomeIdea[] = [];
  for (const g of r.groups ?? []) {
    for (const idea of g.ideas ?? []) ideas.push({ ...idea, status: idea.status || g.status || 'new' });
  }
  const carriedOut = (r.carriedOver ?? []).map(normalizeCarried);
  const conference: ConferenceRef = { ...fallback };
  if (r.conference?.title) conference.title = r.conference.title;
  if (r.conference?.startsAt) conference.startsAt = r.conference.startsAt;
  if (r.conference?.endsAt) conference.endsAt = r.conference.endsAt;
  return { conference, groups: groupOutcomes(ideas), carriedOut };
}

function normalizeCarried(raw: RawCarried): OutcomeIdea {
  const { stage, targetConferenceSlug, targetConferenceTitle, ...idea } = raw;
  const out: OutcomeIdea = {
    ...idea,
    status: 'carried_over',
    supportCount: typeof stage?.supports === 'number' ? stage.supports : (idea.supportCount ?? 0),
    targetConference: namedConference(stage?.targetConferenceId ?? 0, targetConferenceSlug, targetConferenceTitle),
  };
  if (stage?.status) out.statusThen = stage.status;
  if (stage?.carriedAt) out.carriedAt = stage.carriedAt;
  return out;
}

/** Ideas an organiser may carry out of the conference: unfinished, visible, not merged. */
export function carryCandidates(outcomes: Outcomes): OutcomeIdea[] {
  return outcomes.groups
    .filter((g) => unfinishedStatuses.includes(g.status))
    .flatMap((g) => g.ideas)
    .filter((i) => !i.hidden && i.mergedIntoId == null);
}

/** Conferences that can take carried ideas: not started yet (draft or ideas), not this one. */
export function carryTargets<C extends Pick<Conference, 'slug' | 'phase'>>(conferences: readonly C[], currentSlug: string): C[] {
  return conferences.filter((c) => (c.phase === 'draft' || c.phase === 'ideas') && c.slug !== currentSlug);
}

/** Body of POST /conferences/{slug}/carry-over. */
export interface CarryOverInput {
  ideaIds: number[];
  target: string;
  note?: string;
}

export interface CarryOverResult {
  carried: number;
  target: string;
  ideaIds: number[];
}

/**
 * The messages of a refused carry-over, by idea id (0 for problems that name
 * no idea: the target, the note). The server names an idea by its place in
 * the request's ideaIds ("ideaIds.3" is the fourth id sent).
 */
export function carryOverMessages(error: unknown, sent: readonly number[], lang: Lang): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!(error instanceof ApiError)) return out;
  for (const f of error.fields) {
    const id = ideaIdOfField(f.field, sent);
    out.set(id, [...(out.get(id) ?? []), fieldMessage(f, lang)]);
  }
  return out;
}

/** The idea id a problem's field names ("ideaIds.3" or "ideaIds[3]": the fourth id sent), or 0. */
export function ideaIdOfField(field: string, sent: readonly number[]): number {
  const m = /^ideaIds(?:\.(\d+)|\[(\d+)\])$/.exec(field);
  if (!m) return 0;
  return sent[Number(m[1] ?? m[2])] ?? 0;
}

// ---------------------------------------------------------------------------
// Links and API

export function outcomesPath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}/outcomes`;
}

export const MY_IDEAS_PATH = '/my-ideas';

/** The organisers' export of a conference's ideas (a download; the server sets the file name). */
export function exportUrl(slug: string, format: 'csv' | 'xlsx'): string {
  return apiUrl(`${conferenceApiPath(slug)}/export.${format}`);
}

const ideaApiPath = (id: number) => `/ideas/${encodeURIComponent(String(id))}`;

export const followUpApi = {
  /** Records a follow-up; answers the idea as it is now. */
  followUp: (id: number, input: FollowUpInput) => api.request<Idea>('POST', `${ideaApiPath(id)}/follow-up`, input),
  timeline: async (id: number, options: RequestOptions = {}): Promise<Timeline> => {
    const t = await api.request<Partial<Timeline> | null>('GET', `${ideaApiPath(id)}/timeline`, undefined, options);
    return { entries: t?.entries ?? [], stages: t?.stages ?? [] };
  },
  myIdeas: async (): Promise<MyIdea[]> => {
    const body = await api.request<{ items?: unknown[] | null } | unknown[]>('GET', '/me/ideas');
    return itemsOf(body)
      .map(normalizeMyIdea)
      .filter((x): x is MyIdea => x !== null);
  },
  outcomes: async (slug: string, fallback: ConferenceRef): Promise<Outcomes> =>
    normalizeOutcomes(await api.request<unknown>('GET', `${conferenceApiPath(slug)}/outcomes`), fallback),
  carryOver: (slug: string, input: CarryOverInput) =>
    api.request<CarryOverResult>('POST', `${conferenceApiPath(slug)}/carry-over`, input),
};
