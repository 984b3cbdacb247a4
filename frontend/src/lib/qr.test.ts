import { describe, expect, it } from 'vitest';
import { qrPath } from './qr';

describe('qrPath', () => {
  it('draws the modules of a join URL as squares inside the quiet zone', () => {
    const { size, d } = qrPath('https://beteiligung.stadt.de/c/tag-der-ideen/join?code=K7F3QX');
    // Versions grow by 4 modules from 21; a URL this long needs version 4 (33) or so.
    expect((size - 21) % 4).toBe(0);
    expect(size).toBeGreaterThanOrEqual(29);
    const squares = d.match(/M\d+ \d+h1v1h-1z/g) ?? [];
    expect(squares.join('')).toBe(d);
    // The top-left finder pattern: its corner module is dark, offset by the margin.
    expect(d.startsWith('M4 4h1v1h-1z')).toBe(true);
    const coords = squares.map((s) => s.slice(1).split(/[ h]/).slice(0, 2).map(Number));
    expect(Math.min(...coords.flat())).toBe(4);
    expect(Math.max(...coords.flat())).toBe(4 + size - 1);
  });

  it('is deterministic', () => {
    expect(qrPath('x', 0)).toEqual(qrPath('x', 0));
    expect(qrPath('x', 0).d.startsWith('M0 0h1v1h-1z')).toBe(true);
  });
});
