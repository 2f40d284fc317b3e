/**
 * The theme's text colours against its backgrounds (src-renderer/app.css): every text colour
 * reaches WCAG AA (4.5:1 for normal text) on every background it is drawn on, so a low-vision
 * user reads hints and secondary text too; the faint text stays fainter than the muted one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const css = fs.readFileSync(path.join(__dirname, '../../../src-renderer/app.css'), 'utf8');

function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!match) throw new Error(`--${name} is not a #rrggbb colour in app.css`);
  return match[1]!;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('theme contrast', () => {
  for (const text of ['text', 'text-muted', 'text-faint']) {
    for (const background of ['bg', 'bg-raised', 'bg-panel', 'bg-hover']) {
      it(`--${text} on --${background} is at least 4.5:1`, () => {
        expect(contrast(variable(text), variable(background))).toBeGreaterThanOrEqual(4.5);
      });
    }
  }

  it('--text-faint on the dark chip behind the zoom level (black at 45 % over the darkest image) is at least 4.5:1', () => {
    // rgba(0, 0, 0, 0.45) over black is black: the worst case under the zoom readout.
    expect(contrast(variable('text-faint'), '#000000')).toBeGreaterThanOrEqual(4.5);
  });

  it('--text-faint stays fainter than --text-muted', () => {
    expect(contrast(variable('text-faint'), variable('bg'))).toBeLessThan(contrast(variable('text-muted'), variable('bg')) - 0.5);
  });
});
