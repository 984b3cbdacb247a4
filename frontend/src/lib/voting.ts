/**
 * Live voting: the shapes of the agenda, rounds, ballots and results as the
 * API sends them (docs/live-voting.md), the paths of its pages and the API
 * calls. Pure apart from the calls.
 */

import { api, apiUrl, conferenceApiPath, itemsOf } from './api';
import type { MessageKey } from './i18n';
import type { Participant } from './idea';
import { participantsApi } from './participants';

export const voteMethods = ['single', 'multiple', 'dots', 'approval', 'rating', 'ranking'] as const;
export type VoteMethod = (typeof voteMethods)[number];

export const roundStates = ['draft', 'open', 'closed', 'revealed'] as const;
export type RoundState = (typeof roundStates)[number];

/** One entry of the agenda, as stored. */
export interface AgendaSession {
  id: number;
  conferenceId: number;
  title: string;
  room: string;
  description: string;
  startsAt: string;
  endsAt: string;
  /** Participant ids of the session's moderators; empty: every moderator may run its votes. */
  moderatorIds: number[] | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The API's SessionView: a session as the caller sees it. */
export interface SessionInfo extends AgendaSession {
  conferenceSlug: string;
  /** The caller may create, open, close, reveal and reset its votes. */
  canRun: boolean;
}

/** GET /conferences/{slug}/sessions: the agenda with what runs now and next. */
export interface Agenda {
  sessions: SessionInfo[];
  nowId: number | null;
  nextId: number | null;
}

/** Body of POST /conferences/{slug}/sessions and PATCH /sessions/{id}. */
export interface AgendaInput {
  title: string;
  room: string;
  description: string;
  startsAt?: string;
  endsAt?: string;
  moderatorIds: number[];
  version?: number;
}

export interface RoundOption {
  id: number;
  ideaId?: number;
  label: string;
}

/** A round as stored (also the `round` of the live payloads). */
export interface Round {
  id: number;
  conferenceId: number;
  sessionId: number;
  title: string;
  method: VoteMethod;
  options: RoundOption[];
  maxChoices?: number;
  points?: number;
  maxPerOption?: number;
  liveResults: boolean;
  anonymous: boolean;
  changeable: boolean;
  eligibility: string;
  state: RoundState;
  closesAt?: string | null;
  openedAt?: string | null;
  closedAt?: string | null;
  revealedAt?: string | null;
  version: number;
  createdAt?: string;
  updatedAt?: string;
}

/** A ballot's values: option id (as text, JSON object keys) → number. */
export type BallotValues = Record<string, number>;

/** The API's RoundView: a round as the caller sees it. */
export interface RoundView extends Round {
  sessionTitle: string;
  canRun: boolean;
  canVote: boolean;
  /** The caller's ballot, if they voted and the round can still tell. */
  myBallot?: BallotValues | null;
  ballots: number;
  eligible: number;
  /** Null while hidden from the caller. */
  results: Results | null;
}

export interface OptionResult {
  optionId: number;
  ideaId?: number;
  label: string;
  votes: number;
  no?: number;
  points?: number;
  mean?: number;
  /** Rating: how many gave 1 … 5 stars. */
  distribution?: number[];
  /** 1 is best; equal scores share a rank. */
  rank: number;
}

export interface Results {
  roundId: number;
  method: VoteMethod;
  state: RoundState;
  ballots: number;
  eligible: number;
  options: OptionResult[];
}

/** Body of POST /sessions/{id}/rounds. */
export interface RoundInput {
  title: string;
  method: VoteMethod;
  ideaIds: number[];
  topN: number;
  topic: string;
  labels: string[];
  maxChoices?: number;
  points?: number;
  maxPerOption?: number;
  liveResults: boolean;
  anonymous: boolean;
  changeable: boolean;
  eligibility: 'joined';
  version?: number;
}

export interface BallotInput {
  clientBallotId: string;
  values: BallotValues;
}

export interface BallotReceipt {
  roundId: number;
  clientBallotId: string;
  outcome: 'created' | 'replaced' | 'same';
  values: BallotValues;
  castAt: string;
}

/** One line of GET /ideas/{id}/results: how an idea did in one round. */
export interface IdeaRoundResult {
  ideaId: number;
  roundId: number;
  roundTitle: string;
  sessionId: number;
  sessionTitle: string;
  method: VoteMethod;
  state: RoundState;
  ballots: number;
  votes: number;
  no?: number;
  points?: number;
  mean?: number;
  rank: number;
  /** How many options the round had ("Platz 2 von 8"). */
  options: number;
  closedAt: string;
}

/** Payload of the `round:{id}` topic. `round` is null for a draft in the public view. */
export interface RoundLive {
  round: Round | null;
  ballots: number;
  eligible: number;
  results: Results | null;
  gone?: boolean;
}

/** Payload of the `session:{id}` topic. */
export interface SessionLive {
  session: AgendaSession | null;
  rounds: Round[];
  gone?: boolean;
}

export function isVoteMethod(value: unknown): value is VoteMethod {
  return typeof value === 'string' && (voteMethods as readonly string[]).includes(value);
}

export function methodKey(method: VoteMethod): MessageKey {
  return `vote.method.${method}`;
}

export function methodHintKey(method: VoteMethod): MessageKey {
  return `vote.methodHint.${method}`;
}

export function stateKey(state: RoundState): MessageKey {
  return `vote.state.${state}`;
}

/**
 * Whether everyone may see the tallies of `round` (the server's rule): after
 * reveal, and while open or closed when the round shows live results.
 */
export function resultsPublic(round: Pick<Round, 'state' | 'liveResults'>): boolean {
  return round.state === 'revealed' || (round.liveResults && (round.state === 'open' || round.state === 'closed'));
}

/**
 * The round a projector shows: the latest opened of the open rounds, else the
 * latest closed or revealed one; null when none was ever opened.
 */
export function currentRound<R extends Round>(rounds: readonly R[]): R | null {
  const latest = (list: R[], at: (r: R) => string | null | undefined): R | null => {
    let best: R | null = null;
    for (const r of list) {
      if (!best) best = r;
      else {
        const a = Date.parse(at(r) ?? '') || 0;
        const b = Date.parse(at(best) ?? '') || 0;
        if (a > b || (a === b && r.id > best.id)) best = r;
      }
    }
    return best;
  };
  const open = latest(rounds.filter((r) => r.state === 'open'), (r) => r.openedAt);
  if (open) return open;
  return latest(
    rounds.filter((r) => r.state === 'closed' || r.state === 'revealed'),
    (r) => r.closedAt ?? r.openedAt,
  );
}

/**
 * Merges a live list of rounds into the loaded views: known rounds take the
 * live state (keeping what only the REST view has: tallies, the caller's
 * ballot, permissions), new ones are added, vanished ones removed.
 */
export function mergeRounds(views: readonly RoundView[], live: readonly Round[], canRun: boolean): RoundView[] {
  const byId = new Map(views.map((v) => [v.id, v]));
  return live.map((r) => {
    const known = byId.get(r.id);
    if (known) return { ...known, ...r };
    return { ...r, sessionTitle: '', canRun, canVote: false, ballots: 0, eligible: 0, results: null };
  });
}

/** Whether the live list differs from the loaded one in anything but tallies (so a reload is due). */
export function roundsChanged(views: readonly RoundView[], live: readonly Round[]): boolean {
  if (views.length !== live.length) return true;
  const byId = new Map(views.map((v) => [v.id, v]));
  return live.some((r) => {
    const v = byId.get(r.id);
    return !v || v.state !== r.state || v.version !== r.version;
  });
}

// Paths of the pages.

export function agendaPath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}/sessions`;
}

export function newSessionPath(slug: string): string {
  return `${agendaPath(slug)}/new`;
}

export function sessionPath(id: number): string {
  return `/sessions/${id}`;
}

export function sessionEditPath(id: number): string {
  return `${sessionPath(id)}/edit`;
}

export function roundPath(id: number): string {
  return `/rounds/${id}`;
}

export function presenterPath(sessionId: number): string {
  return `/present/sessions/${sessionId}`;
}

/** The download URL of a round's results as CSV. */
export function resultsCsvUrl(roundId: number): string {
  return apiUrl(`/rounds/${roundId}/results.csv`);
}

// The API calls.

const roundApi = (id: number, rest = '') => `/rounds/${id}${rest}`;

export const votingApi = {
  agenda: (slug: string) => api.request<Agenda>('GET', `${conferenceApiPath(slug)}/sessions`),
  createSession: (slug: string, input: AgendaInput) =>
    api.request<SessionInfo>('POST', `${conferenceApiPath(slug)}/sessions`, input),
  getSession: (id: number) => api.request<SessionInfo>('GET', `/sessions/${id}`),
  updateSession: (id: number, input: AgendaInput) => api.request<SessionInfo>('PATCH', `/sessions/${id}`, input),
  deleteSession: (id: number) => api.request<void>('DELETE', `/sessions/${id}`),
  rounds: async (sessionId: number) =>
    itemsOf(await api.request<{ items: RoundView[] }>('GET', `/sessions/${sessionId}/rounds`)),
  createRound: (sessionId: number, input: RoundInput) =>
    api.request<RoundView>('POST', `/sessions/${sessionId}/rounds`, input),
  getRound: (id: number) => api.request<RoundView>('GET', roundApi(id)),
  open: (id: number, version: number, closeInSeconds?: number) =>
    api.request<RoundView>('POST', roundApi(id, '/open'), closeInSeconds ? { closeInSeconds, version } : { version }),
  close: (id: number, version: number) => api.request<RoundView>('POST', roundApi(id, '/close'), { version }),
  reveal: (id: number, version: number) => api.request<RoundView>('POST', roundApi(id, '/reveal'), { version }),
  reset: (id: number, version: number, reason: string) =>
    api.request<RoundView>('POST', roundApi(id, '/reset'), { reason, version }),
  cast: (id: number, input: BallotInput) => api.request<BallotReceipt>('POST', roundApi(id, '/ballots'), input),
  ideaResults: async (ideaId: number) =>
    itemsOf(await api.request<{ items: IdeaRoundResult[] }>('GET', `/ideas/${ideaId}/results`)),
};

/** The conference's moderators to choose from (organisers only); none when the list cannot be had. */
export async function moderatorsOf(slug: string): Promise<Participant[]> {
  try {
    return (await participantsApi.list(slug)).filter((p) => p.role === 'moderator');
  } catch {
    return [];
  }
}
