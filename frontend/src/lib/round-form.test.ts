import { describe, expect, it } from 'vitest';
import { emptyRoundForm, optionCount, parseCount, toRoundInput } from './round-form';

describe('round form', () => {
  it('reads number inputs: empty is the default, nonsense is sent for the server to name', () => {
    expect(parseCount('')).toBe(0);
    expect(parseCount(null)).toBe(0);
    expect(parseCount(' 5 ')).toBe(5);
    expect(parseCount(7)).toBe(7);
    expect(parseCount('2.5')).toBe(-1);
    expect(parseCount('viele')).toBe(-1);
  });

  it('counts the options to come', () => {
    expect(optionCount({ ...emptyRoundForm(), ideaIds: [3, 1], topN: '5', labels: ['a'] })).toBe(8);
    expect(optionCount(emptyRoundForm())).toBe(0);
  });

  it('sends the method settings of the chosen method only', () => {
    const base = { ...emptyRoundForm(), title: '  Welche zuerst? ', ideaIds: [4, 2], labels: [' Etwas anderes '] };
    expect(toRoundInput(base)).toEqual({
      title: 'Welche zuerst?',
      method: 'single',
      ideaIds: [4, 2],
      topN: 0,
      topic: '',
      labels: ['Etwas anderes'],
      liveResults: true,
      anonymous: true,
      changeable: true,
      eligibility: 'joined',
    });
    expect(toRoundInput({ ...base, method: 'multiple', maxChoices: '2' }).maxChoices).toBe(2);
    const dots = toRoundInput({ ...base, method: 'dots', points: '10', maxPerOption: '4' });
    expect([dots.points, dots.maxPerOption, dots.maxChoices]).toEqual([10, 4, undefined]);
  });

  it('takes the topic only together with a top N', () => {
    expect(toRoundInput({ ...emptyRoundForm(), topic: 'Mobilität' }).topic).toBe('');
    const top = toRoundInput({ ...emptyRoundForm(), topic: 'Mobilität', topN: '5' });
    expect([top.topN, top.topic]).toEqual([5, 'Mobilität']);
  });

  it('keeps empty label rows, so the server can name the row', () => {
    expect(toRoundInput({ ...emptyRoundForm(), labels: ['a', '  '] }).labels).toEqual(['a', '']);
  });
});
