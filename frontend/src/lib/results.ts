/**
 * Results as text and bars: the measure each method is counted by (votes,
 * points, yes/no, mean stars, Borda points), the bar lengths, participation
 * ("312 von 450 haben abgestimmt") and the short summaries the live regions
 * announce. Pure: the language is a parameter.
 */

import { formatNumber, intlLocale, translate, translatePlural, type Lang } from './i18n';
import type { IdeaRoundResult, OptionResult, Results, VoteMethod } from './voting';

/** One bar of a result chart. */
export interface ResultRow {
  optionId: number;
  ideaId?: number;
  label: string;
  rank: number;
  /** Bar length, 0 … 1. */
  fraction: number;
  /** The main measure, e.g. "57 Stimmen", "Ø 4,2 Sterne". */
  value: string;
  /** A second line, e.g. "34 %", "von 12 Personen"; may be "". */
  detail: string;
}

export function formatPercent(lang: Lang, fraction: number): string {
  return new Intl.NumberFormat(intlLocale[lang], { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** A mean rating with at most one decimal ("4,2"). */
export function formatMean(lang: Lang, mean: number): string {
  return new Intl.NumberFormat(intlLocale[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
}

const share = (part: number, whole: number) => (whole > 0 ? Math.max(0, Math.min(1, part / whole)) : 0);

/** The main measure of one option as text, by method. */
export function measureText(lang: Lang, method: VoteMethod, o: Pick<OptionResult, 'votes' | 'no' | 'points' | 'mean'>): string {
  switch (method) {
    case 'single':
    case 'multiple':
      return translatePlural(lang, 'results.votes', o.votes);
    case 'dots':
    case 'ranking':
      return translatePlural(lang, 'results.points', o.points ?? 0);
    case 'approval':
      return translate(lang, 'results.yesNo', { yes: formatNumber(lang, o.votes), no: formatNumber(lang, o.no ?? 0) });
    case 'rating':
      return o.votes > 0 ? translate(lang, 'results.mean', { mean: formatMean(lang, o.mean ?? 0) }) : translate(lang, 'results.noRatings');
  }
}

/**
 * The bars of a result, in option order, or by rank (ties keep option order).
 * Bars are scaled so that they compare within one chart: shares of the
 * ballots for choices and approval, of the best option for dots, of the
 * maximum possible for ranking (Borda) and rating (5 stars).
 */
export function resultRows(lang: Lang, results: Results, order: 'options' | 'rank' = 'options'): ResultRow[] {
  const { method, ballots } = results;
  const n = results.options.length;
  const maxPoints = Math.max(1, ...results.options.map((o) => o.points ?? 0));
  const rows = results.options.map((o): ResultRow => {
    let fraction = 0;
    let detail = '';
    switch (method) {
      case 'single':
      case 'multiple':
        fraction = share(o.votes, ballots);
        detail = formatPercent(lang, fraction);
        break;
      case 'approval':
        fraction = share(o.votes, ballots);
        detail = formatPercent(lang, fraction);
        break;
      case 'dots':
        fraction = share(o.points ?? 0, maxPoints);
        detail = translatePlural(lang, 'results.byPeople', o.votes);
        break;
      case 'ranking':
        fraction = share(o.points ?? 0, (n - 1) * ballots);
        detail = translatePlural(lang, 'results.byPeople', o.votes);
        break;
      case 'rating':
        fraction = share(o.mean ?? 0, 5);
        detail = translatePlural(lang, 'results.ratings', o.votes);
        break;
    }
    const row: ResultRow = { optionId: o.optionId, label: o.label, rank: o.rank, fraction, value: measureText(lang, method, o), detail };
    if (o.ideaId != null) row.ideaId = o.ideaId;
    return row;
  });
  if (order === 'rank') return rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.rank - b.r.rank || a.i - b.i).map((x) => x.r);
  return rows;
}

/** "312 von 450 haben abgestimmt" (without the eligible count when it is unknown). */
export function participationText(lang: Lang, ballots: number, eligible: number): string {
  if (eligible > 0) return translatePlural(lang, 'results.participation', ballots, { eligible: formatNumber(lang, eligible) });
  return translatePlural(lang, 'results.participationOnly', ballots);
}

/** The options in first place (several on a tie); none before the first ballot. */
export function leaders(results: Results): OptionResult[] {
  if (results.ballots === 0) return [];
  return results.options.filter((o) => o.rank === 1);
}

/**
 * A short summary for a live region: "Stand: 57 Stimmen; vorn: Radwege".
 * Without public results only the participation.
 */
export function standText(lang: Lang, ballots: number, eligible: number, results: Results | null): string {
  const count = participationText(lang, ballots, eligible);
  const top = results ? leaders(results) : [];
  if (top.length === 0) return translate(lang, 'results.stand', { count });
  return translate(lang, 'results.standLeading', { count, leader: top.map((o) => o.label).join(', ') });
}

/** "Platz 2 von 8". */
export function rankText(lang: Lang, rank: number, of: number): string {
  return translate(lang, 'results.rankOf', { rank: formatNumber(lang, rank), of: formatNumber(lang, of) });
}

/** An idea's result in one round: its place and its measure. */
export function ideaResultText(lang: Lang, item: IdeaRoundResult): { rank: string; measure: string } {
  return { rank: rankText(lang, item.rank, item.options), measure: measureText(lang, item.method, item) };
}

/** A countdown as "m:ss" (or "h:mm:ss"); never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
