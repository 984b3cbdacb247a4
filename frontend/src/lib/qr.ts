/**
 * QR codes as SVG path data, made in the browser (qrcode-generator, MIT):
 * nothing is loaded from elsewhere, which the Content-Security-Policy
 * forbids anyway, and no markup is injected.
 */

import qrcode from 'qrcode-generator';

export interface QrPath {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** One `M x y h1 v1 h-1 z` square per dark module, in module units. */
  d: string;
}

/**
 * The dark modules of the QR code of `text` (error correction M: survives a
 * smudged projector), offset by `margin` modules of quiet zone.
 */
export function qrPath(text: string, margin = 4): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.isDark(row, col)) parts.push(`M${col + margin} ${row + margin}h1v1h-1z`);
    }
  }
  return { size, d: parts.join('') };
}
