import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  ideaResultText,
  leaders,
  participationText,
  rankText,
  resultRows,
  standText,
} from './results';
import type { OptionResult, Results, VoteMethod } from './voting';

function results(method: VoteMethod, ballots: number, options: Array<Partial<OptionResult> & { rank: number }>): Results {
  return {
    roundId: 1,
    method,
    state: 'open',
    ballots,
    eligible: 450,
    options: options.map((o, i) => ({ optionId: i + 1, label: `Option ${i + 1}`, votes: 0, ...o })),
  };
}

// Intl puts a no-break space before "%" in German.
const nbsp = (s: string) => s.replace(/\u00a0/g, ' ');

describe('resultRows', () => {
  it('single and multiple: votes, bars as shares of the ballots', () => {
    const rows = resultRows('de', results('single', 4, [{ votes: 3, rank: 1 }, { votes: 1, rank: 2 }, { votes: 0, rank: 3 }]));
    expect(rows.map((r) => [r.value, nbsp(r.detail), r.fraction])).toEqual([
      ['3 Stimmen', '75 %', 0.75],
      ['1 Stimme', '25 %', 0.25],
      ['0 Stimmen', '0 %', 0],
    ]);
    expect(resultRows('en', results('multiple', 0, [{ votes: 0, rank: 1 }]))[0]!.fraction).toBe(0);
  });

  it('dots: points, bars relative to the best option', () => {
    const rows = resultRows('de', results('dots', 3, [{ votes: 2, points: 8, rank: 1 }, { votes: 1, points: 2, rank: 2 }, { votes: 0, rank: 3 }]));
    expect(rows.map((r) => [r.value, r.detail, r.fraction])).toEqual([
      ['8 Punkte', 'von 2 Personen', 1],
      ['2 Punkte', 'von 1 Person', 0.25],
      ['0 Punkte', 'von 0 Personen', 0],
    ]);
  });

  it('approval: yes and no, bars as the share of yes', () => {
    const [row] = resultRows('de', results('approval', 10, [{ votes: 7, no: 2, rank: 1 }]));
    expect(row!.value).toBe('7 Ja · 2 Nein');
    expect(row!.fraction).toBe(0.7);
    expect(resultRows('en', results('approval', 10, [{ votes: 1, rank: 1 }]))[0]!.value).toBe('1 yes · 0 no');
  });

  it('rating: the mean of five stars', () => {
    const rows = resultRows('de', results('rating', 5, [{ votes: 5, mean: 4.25, rank: 1 }, { votes: 0, rank: 2 }]));
    expect(rows.map((r) => [r.value, r.detail, r.fraction])).toEqual([
      ['Ø 4,3 Sterne', '5 Bewertungen', 0.85],
      ['noch keine Bewertung', '0 Bewertungen', 0],
    ]);
    expect(resultRows('en', results('rating', 1, [{ votes: 1, mean: 3, rank: 1 }]))[0]!.value).toBe('avg. 3.0 stars');
  });

  it('ranking: Borda points, bars as the share of the maximum', () => {
    // 3 options, 2 ballots: at most 2 × 2 = 4 points.
    const rows = resultRows('de', results('ranking', 2, [{ votes: 2, points: 3, rank: 1 }, { votes: 2, points: 1, rank: 2 }, { votes: 2, rank: 3 }]));
    expect(rows.map((r) => [r.value, r.fraction])).toEqual([
      ['3 Punkte', 0.75],
      ['1 Punkt', 0.25],
      ['0 Punkte', 0],
    ]);
  });

  it('orders by rank on request, ties in option order', () => {
    const r = results('single', 5, [{ votes: 1, rank: 3 }, { votes: 2, rank: 1 }, { votes: 2, rank: 1 }]);
    expect(resultRows('de', r, 'rank').map((x) => x.optionId)).toEqual([2, 3, 1]);
    expect(resultRows('de', r).map((x) => x.optionId)).toEqual([1, 2, 3]);
  });
});

describe('participation and summaries', () => {
  it('says how many of how many have voted', () => {
    expect(participationText('de', 312, 450)).toBe('312 von 450 haben abgestimmt');
    expect(participationText('de', 1, 450)).toBe('1 von 450 hat abgestimmt');
    expect(participationText('de', 1200, 1500)).toBe('1.200 von 1.500 haben abgestimmt');
    expect(participationText('en', 312, 450)).toBe('312 of 450 have voted');
    expect(participationText('de', 3, 0)).toBe('3 Personen haben abgestimmt');
  });

  it('names who is ahead, ties included, and nobody before the first ballot', () => {
    const r = results('single', 57, [{ votes: 20, rank: 1 }, { votes: 20, rank: 1 }, { votes: 17, rank: 3 }]);
    expect(leaders(r).map((o) => o.optionId)).toEqual([1, 2]);
    expect(standText('de', 57, 450, r)).toBe('Stand: 57 von 450 haben abgestimmt; vorn: Option 1, Option 2.');
    expect(standText('de', 57, 450, null)).toBe('Stand: 57 von 450 haben abgestimmt.');
    expect(leaders(results('single', 0, [{ rank: 1 }]))).toEqual([]);
  });

  it('formats the place of an idea in a round', () => {
    expect(rankText('de', 2, 8)).toBe('Platz 2 von 8');
    expect(
      ideaResultText('de', {
        ideaId: 1, roundId: 2, roundTitle: 'Welche zuerst?', sessionId: 3, sessionTitle: 'Plenum', method: 'dots',
        state: 'revealed', ballots: 40, votes: 12, points: 31, rank: 2, options: 8, closedAt: '2026-09-10T11:00:00Z',
      }),
    ).toEqual({ rank: 'Platz 2 von 8', measure: '31 Punkte' });
  });
});

describe('formatCountdown', () => {
  it('shows minutes and seconds, rounding up, never negative', () => {
    expect(formatCountdown(125_000)).toBe('2:05');
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
    expect(formatCountdown(-5)).toBe('0:00');
  });
});
