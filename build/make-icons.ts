/**
 * Draws Latchkey's icons (a key, with an optional attention dot) as PNGs with nothing but
 * node:zlib, so the repository needs no image tool and the files stay a few hundred bytes.
 * Run `node build/make-icons.ts` after changing the drawing; the outputs are committed:
 *  - build/icon.png (512 px app icon; electron-builder derives .icns/.ico from it)
 *  - assets/tray/* (16 px + @2x): a macOS template pair, and dark/light glyphs for
 *    Windows and Linux trays, each with an `-alert` twin shown while approvals are pending.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];
type Shape = (x: number, y: number) => boolean;

const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

/** The key in the unit square: a ring bow, a shaft, two teeth. */
const key: Shape = (x, y) => {
  const bow = circle(0.3, 0.5, 0.22)(x, y) && !circle(0.3, 0.5, 0.1)(x, y);
  return bow || rect(0.48, 0.44, 0.93, 0.56)(x, y) || rect(0.72, 0.56, 0.8, 0.72)(x, y) || rect(0.85, 0.56, 0.93, 0.67)(x, y);
};
const dot = circle(0.8, 0.2, 0.17);

/** Layers paint in order; each pixel is supersampled 4×4 for smooth edges. */
function render(size: number, layers: ReadonlyArray<{ shape: Shape; color: Rgb }>): Buffer {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (pxi + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let hit: Rgb | undefined;
          for (const l of layers) if (l.shape(x, y)) hit = l.color;
          if (hit) { r += hit[0]; g += hit[1]; b += hit[2]; a += 1; }
        }
      }
      const o = (py * size + pxi) * 4;
      if (a > 0) { px[o] = Math.round(r / a); px[o + 1] = Math.round(g / a); px[o + 2] = Math.round(b / a); }
      px[o + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return png(size, px);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BLACK: Rgb = [0, 0, 0];
const INK: Rgb = [31, 35, 40];
const PAPER: Rgb = [240, 243, 246];
const ALERT: Rgb = [229, 72, 77];

const variants: Record<string, { glyph: Rgb; dot: Rgb }> = {
  trayTemplate: { glyph: BLACK, dot: BLACK },
  'tray-light': { glyph: INK, dot: ALERT },
  'tray-dark': { glyph: PAPER, dot: ALERT },
};
for (const [name, colors] of Object.entries(variants)) {
  for (const [scale, suffix] of [[16, ''], [32, '@2x']] as const) {
    const alertName = name === 'trayTemplate' ? 'trayAlertTemplate' : `${name}-alert`;
    writeFileSync(join(root, 'assets', 'tray', `${name}${suffix}.png`), render(scale, [{ shape: key, color: colors.glyph }]));
    writeFileSync(join(root, 'assets', 'tray', `${alertName}${suffix}.png`), render(scale, [{ shape: key, color: colors.glyph }, { shape: dot, color: colors.dot }]));
  }
}

// App icon: a white key on a rounded teal tile, inset so platform masks do not clip it.
const tile: Shape = (x, y) => {
  const r = 0.2, lo = 0.06, hi = 0.94;
  const cx = Math.min(Math.max(x, lo + r), hi - r);
  const cy = Math.min(Math.max(y, lo + r), hi - r);
  return x >= lo && x <= hi && y >= lo && y <= hi && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inset: Shape = (x, y) => key((x - 0.18) / 0.64, (y - 0.18) / 0.64);
writeFileSync(join(root, 'build', 'icon.png'), render(512, [{ shape: tile, color: [14, 124, 102] }, { shape: inset, color: [255, 255, 255] }]));
