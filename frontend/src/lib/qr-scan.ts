/**
 * Reading QR codes in the browser (jsQR, Apache-2.0): from camera frames at
 * the door and from a photo of a ticket when there is no camera. The decoder
 * is loaded on first use, so only the door page pays for it. Nothing leaves
 * the browser but the decoded text.
 */

/** Decodes the RGBA pixels of an image; the QR code's text, or null. */
export type QrDecoder = (data: Uint8ClampedArray, width: number, height: number) => string | null;

let jsqr: Promise<typeof import('jsqr').default> | null = null;

/**
 * The decoder. `thorough` also looks for light-on-dark codes (a photo of a
 * phone in dark mode), which takes about twice as long: for photos, not for
 * every camera frame.
 */
export async function loadQrDecoder(thorough = false): Promise<QrDecoder> {
  jsqr ??= import('jsqr').then((m) => m.default);
  const jsQR = await jsqr;
  const inversionAttempts = thorough ? 'attemptBoth' : 'dontInvert';
  return (data, width, height) => jsQR(data, width, height, { inversionAttempts })?.data ?? null;
}

/** Width and height scaled down (never up) so that the longer side is at most `max`. */
export function scaledSize(width: number, height: number, max: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (longer <= max || longer === 0) return { width, height };
  const f = max / longer;
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}

/** The pixels of an image source drawn onto `canvas`, at most `max` pixels on the longer side. */
export function pixelsOf(
  source: CanvasImageSource,
  width: number,
  height: number,
  canvas: HTMLCanvasElement,
  max = 800,
): ImageData | null {
  const size = scaledSize(width, height, max);
  if (size.width === 0 || size.height === 0) return null;
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, size.width, size.height);
  return ctx.getImageData(0, 0, size.width, size.height);
}

/** The QR code's text in a photo (a file the user chose), or null. */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const decode = await loadQrDecoder(true);
    const canvas = document.createElement('canvas');
    // Photos are large; a ticket fills enough of them to survive scaling down.
    for (const max of [1000, 1600]) {
      const pixels = pixelsOf(bitmap, bitmap.width, bitmap.height, canvas, max);
      const text = pixels ? decode(pixels.data, pixels.width, pixels.height) : null;
      if (text) return text;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

/** Whether the browser can ask for a camera at all (not over plain http, not in old browsers). */
export function cameraSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/**
 * Why the camera could not start, for the message: permission refused, no
 * camera, or anything else (in use by another app, an insecure page …).
 */
export function cameraProblem(error: unknown): 'denied' | 'missing' | 'failed' {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

/**
 * A code held in front of the camera is seen in many frames: the same text
 * counts once until it has been out of sight for `quietMs` (or a different
 * code came).
 */
export class ScanDebouncer {
  private last = '';
  private lastSeen = -Infinity;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor(quietMs = 3000, now: () => number = () => Date.now()) {
    this.quietMs = quietMs;
    this.now = now;
  }

  /** Whether `text`, seen now, is a new scan. */
  accept(text: string): boolean {
    const at = this.now();
    const fresh = text !== this.last || at - this.lastSeen > this.quietMs;
    this.last = text;
    this.lastSeen = at;
    return fresh;
  }

  /** Forget the last code (e.g. after the camera was stopped). */
  reset(): void {
    this.last = '';
    this.lastSeen = -Infinity;
  }
}
