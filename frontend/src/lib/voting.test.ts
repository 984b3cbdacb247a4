import { describe, expect, it } from 'vitest';
import { currentRound, mergeRounds, resultsPublic, roundsChanged, type Round, type RoundView } from './voting';

function round(id: number, state: Round['state'], extra: Partial<Round> = {}): Round {
  return {
    id,
    conferenceId: 1,
    sessionId: 1,
    title: `Frage ${id}`,
    method: 'single',
    options: [],
    liveResults: true,
    anonymous: true,
    changeable: true,
    eligibility: 'joined',
    state,
    version: 1,
    ...extra,
  };
}

function view(r: Round, extra: Partial<RoundView> = {}): RoundView {
  return { ...r, sessionTitle: 'Plenum', canRun: false, canVote: true, ballots: 3, eligible: 10, results: null, ...extra };
}

describe('resultsPublic', () => {
  it('follows the server: revealed always, open and closed with live results only', () => {
    expect(resultsPublic({ state: 'open', liveResults: true })).toBe(true);
    expect(resultsPublic({ state: 'closed', liveResults: true })).toBe(true);
    expect(resultsPublic({ state: 'open', liveResults: false })).toBe(false);
    expect(resultsPublic({ state: 'closed', liveResults: false })).toBe(false);
    expect(resultsPublic({ state: 'revealed', liveResults: false })).toBe(true);
    expect(resultsPublic({ state: 'draft', liveResults: true })).toBe(false);
  });
});

describe('currentRound', () => {
  it('takes the latest opened open round', () => {
    const rounds = [
      round(1, 'open', { openedAt: '2026-09-10T09:00:00Z' }),
      round(2, 'open', { openedAt: '2026-09-10T09:05:00Z' }),
      round(3, 'closed', { openedAt: '2026-09-10T09:10:00Z', closedAt: '2026-09-10T09:20:00Z' }),
    ];
    expect(currentRound(rounds)?.id).toBe(2);
  });

  it('else the latest closed or revealed round, never a draft', () => {
    const rounds = [
      round(1, 'revealed', { closedAt: '2026-09-10T09:30:00Z' }),
      round(2, 'closed', { closedAt: '2026-09-10T09:20:00Z' }),
      round(3, 'draft'),
    ];
    expect(currentRound(rounds)?.id).toBe(1);
    expect(currentRound([round(4, 'draft')])).toBeNull();
    expect(currentRound([])).toBeNull();
  });
});

describe('live session lists', () => {
  it('merges the live state into the loaded views and adds new rounds', () => {
    const loaded = [view(round(1, 'draft')), view(round(2, 'open'), { myBallot: { '1': 1 } })];
    const merged = mergeRounds(loaded, [round(1, 'open', { version: 2 }), round(2, 'open'), round(3, 'open')], true);
    expect(merged.map((r) => [r.id, r.state, r.ballots])).toEqual([
      [1, 'open', 3],
      [2, 'open', 3],
      [3, 'open', 0],
    ]);
    expect(merged[1]!.myBallot).toEqual({ '1': 1 });
    expect(merged[2]!.canRun).toBe(true);
  });

  it('drops rounds the live list no longer has (reset to a draft, public view)', () => {
    expect(mergeRounds([view(round(1, 'open'))], [], false)).toEqual([]);
  });

  it('notices changes of state, version or membership only', () => {
    const loaded = [view(round(1, 'open'))];
    expect(roundsChanged(loaded, [round(1, 'open')])).toBe(false);
    expect(roundsChanged(loaded, [round(1, 'closed')])).toBe(true);
    expect(roundsChanged(loaded, [round(1, 'open', { version: 2 })])).toBe(true);
    expect(roundsChanged(loaded, [round(1, 'open'), round(2, 'open')])).toBe(true);
    expect(roundsChanged(loaded, [round(9, 'open')])).toBe(true);
  });
});
