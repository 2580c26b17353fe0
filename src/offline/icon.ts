/**
 * Folio's app icons, drawn in code: the favicon's design (a white "F" on the accent blue) rasterised
 * with 4×4 supersampling and written as RGBA PNGs. Pure, so the build (vite.config.ts) and unit tests
 * share it; the caller passes a zlib deflate (node:zlib) because browsers have no synchronous one.
 */

/** The favicon's 64-unit grid (public/favicon.svg). */
const GRID = 64;
const CORNER_RADIUS = 14;
/** The "F" of the favicon's path, as the union of its three rectangles [x0, y0, x1, y1]. */
const GLYPH: readonly (readonly [number, number, number, number])[] = [
  [22, 16, 44, 23],
  [22, 16, 30, 48],
  [30, 30, 42, 37],
];
const BACKGROUND = [0x0b, 0x5c, 0xad] as const;
const FOREGROUND = [0xff, 0xff, 0xff] as const;
const SUBSAMPLES = 4;

/** `any`: rounded corners, transparent outside. `maskable`: full bleed, glyph inside the 80% safe zone. */
export type IconPurpose = 'any' | 'maskable';

function insideRoundedSquare(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x, CORNER_RADIUS), GRID - CORNER_RADIUS);
  const cy = Math.min(Math.max(y, CORNER_RADIUS), GRID - CORNER_RADIUS);
  return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER_RADIUS ** 2;
}

function insideGlyph(x: number, y: number): boolean {
  return GLYPH.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
}

/** RGBA pixels, row by row, straight (not premultiplied) alpha. */
export function renderIcon(size: number, purpose: IconPurpose): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = SUBSAMPLES * SUBSAMPLES;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      let glyph = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SUBSAMPLES) / size) * GRID;
          const y = ((py + (sy + 0.5) / SUBSAMPLES) / size) * GRID;
          if (purpose === 'maskable' || insideRoundedSquare(x, y)) {
            covered += 1;
            if (insideGlyph(x, y)) glyph += 1;
          }
        }
      }
      const at = (py * size + px) * 4;
      const share = covered === 0 ? 0 : glyph / covered;
      for (let c = 0; c < 3; c++) {
        pixels[at + c] = Math.round(BACKGROUND[c]! * (1 - share) + FOREGROUND[c]! * share);
      }
      pixels[at + 3] = Math.round((covered / samples) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeAndData = out.subarray(4, 8 + data.length);
  for (let i = 0; i < 4; i++) typeAndData[i] = type.charCodeAt(i);
  typeAndData.set(data, 4);
  view.setUint32(8 + data.length, crc32(typeAndData));
  return out;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BIT_DEPTH = 8;
const COLOR_TYPE_RGBA = 6;

/** Encodes RGBA pixels as a PNG (no filtering: flat icons compress well anyway). */
export function encodePng(size: number, rgba: Uint8Array, deflate: (raw: Uint8Array) => Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, size);
  hv.setUint32(4, size);
  header[8] = BIT_DEPTH;
  header[9] = COLOR_TYPE_RGBA;
  const stride = size * 4;
  const raw = new Uint8Array((stride + 1) * size);
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', deflate(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface IconFile {
  fileName: string;
  size: number;
  purpose: IconPurpose;
}

/** The icons the web app manifest lists (plus the Apple touch icon, which must be opaque). */
export const ICON_FILES: readonly IconFile[] = [
  { fileName: 'icons/icon-192.png', size: 192, purpose: 'any' },
  { fileName: 'icons/icon-512.png', size: 512, purpose: 'any' },
  { fileName: 'icons/maskable-192.png', size: 192, purpose: 'maskable' },
  { fileName: 'icons/maskable-512.png', size: 512, purpose: 'maskable' },
  { fileName: 'icons/apple-touch-icon.png', size: 180, purpose: 'maskable' },
];
