import { encode } from 'uqr';

/** A QR code as one SVG path over a `size` x `size` grid (quiet zone included): no markup strings, no eval. */
export interface QrPath {
  size: number;
  d: string;
}

/** Medium error correction: survives a smudged screen, and a long URL still fits. */
export function qrPath(text: string): QrPath {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return { size, d };
}
