/**
 * Pictures of a QR code for the door's scanner tests, made without any
 * image library: a Y4M video (Chromium plays it as a fake camera with
 * --use-file-for-fake-video-capture) and a PNG (for the photo upload).
 * Black modules on white, with the quiet zone the standard asks for.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import qrcode from 'qrcode-generator';

/** The dark modules of `text`'s QR code (error correction M, as the ticket page draws it). */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, row) => Array.from({ length: n }, (_, col) => qr.isDark(row, col)));
}

/** A grey picture (one byte per pixel, 255 white) with the code centred, `scale` pixels per module. */
function greyPicture(text: string, width: number, height: number, scale: number): Uint8Array {
  const modules = qrModules(text);
  const size = modules.length * scale;
  if (size + 8 * scale > Math.min(width, height)) throw new Error('the QR code does not fit the picture');
  const px = new Uint8Array(width * height).fill(255);
  const left = Math.floor((width - size) / 2);
  const top = Math.floor((height - size) / 2);
  for (let y = 0; y < size; y++) {
    const row = modules[Math.floor(y / scale)]!;
    for (let x = 0; x < size; x++) {
      if (row[Math.floor(x / scale)]) px[(top + y) * width + left + x] = 0;
    }
  }
  return px;
}

/** Writes a Y4M video (4:2:0, `frames` identical frames; Chromium loops it) showing `text`'s QR code. */
export function writeQrY4m(path: string, text: string, width = 640, height = 480, frames = 3): void {
  const grey = greyPicture(text, width, height, 10);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), Buffer.from(grey), chroma, chroma]);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A greyscale PNG photo of `text`'s QR code. */
export function qrPng(text: string, width = 480, height = 480): Buffer {
  return greyPng(greyPicture(text, width, height, 8), width, height);
}

/** A white PNG: a photo without any QR code. */
export function blankPng(width = 64, height = 64): Buffer {
  return greyPng(new Uint8Array(width * height).fill(255), width, height);
}

function greyPng(grey: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
