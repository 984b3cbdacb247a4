import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { ScanDebouncer, cameraProblem, loadQrDecoder, scaledSize } from './qr-scan';
import { ticketCodeFromScan } from './registration';

/** The QR code of `text` as RGBA pixels, black on white, `scale` pixels per module, with a quiet zone. */
function qrPixels(text: string, scale = 6, margin = 4): { data: Uint8ClampedArray; size: number } {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const size = (modules + 2 * margin) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const row = Math.floor(y / scale) - margin;
      const col = Math.floor(x / scale) - margin;
      if (row >= 0 && col >= 0 && row < modules && col < modules && qr.isDark(row, col)) {
        const i = (y * size + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return { data, size };
}

describe('loadQrDecoder', () => {
  it('reads the ticket code from the QR code the ticket page draws', async () => {
    const decode = await loadQrDecoder();
    const { data, size } = qrPixels('X7K39MQR');
    const text = decode(data, size, size);
    expect(text).toBe('X7K39MQR');
    expect(ticketCodeFromScan(text!)).toEqual({ kind: 'code', code: 'X7K39MQR' });
  });

  it('reads a light-on-dark code only when asked to be thorough', async () => {
    const { data, size } = qrPixels('ACDEFGHJ');
    for (let i = 0; i < data.length; i += 4) data[i] = data[i + 1] = data[i + 2] = 255 - data[i]!;
    expect((await loadQrDecoder())(data, size, size)).toBeNull();
    expect((await loadQrDecoder(true))(data, size, size)).toBe('ACDEFGHJ');
  });

  it('finds nothing in a blank picture', async () => {
    const decode = await loadQrDecoder();
    expect(decode(new Uint8ClampedArray(100 * 100 * 4).fill(255), 100, 100)).toBeNull();
  });
});

describe('scaledSize', () => {
  it('scales the longer side down to the maximum, keeping the aspect', () => {
    expect(scaledSize(4000, 3000, 1000)).toEqual({ width: 1000, height: 750 });
    expect(scaledSize(3000, 4000, 1000)).toEqual({ width: 750, height: 1000 });
  });

  it('never scales up', () => {
    expect(scaledSize(640, 480, 1000)).toEqual({ width: 640, height: 480 });
    expect(scaledSize(0, 0, 1000)).toEqual({ width: 0, height: 0 });
  });
});

describe('ScanDebouncer', () => {
  it('counts a code held in front of the camera once', () => {
    let now = 0;
    const d = new ScanDebouncer(3000, () => now);
    expect(d.accept('A')).toBe(true);
    now = 200;
    expect(d.accept('A')).toBe(false);
    now = 2000;
    expect(d.accept('A')).toBe(false);
  });

  it('counts it again after it was out of sight for a while, and a different code at once', () => {
    let now = 0;
    const d = new ScanDebouncer(3000, () => now);
    d.accept('A');
    now = 100;
    expect(d.accept('B')).toBe(true);
    now = 200;
    expect(d.accept('A')).toBe(true);
    now = 3500;
    expect(d.accept('A')).toBe(true);
    d.reset();
    expect(d.accept('A')).toBe(true);
  });
});

describe('cameraProblem', () => {
  it('tells refused permission from a missing camera', () => {
    expect(cameraProblem(new DOMException('no', 'NotAllowedError'))).toBe('denied');
    expect(cameraProblem(new DOMException('no', 'NotFoundError'))).toBe('missing');
    expect(cameraProblem(new DOMException('busy', 'NotReadableError'))).toBe('failed');
    expect(cameraProblem('weird')).toBe('failed');
  });
});
