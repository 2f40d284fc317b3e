/**
 * The second perceptual check of the near-duplicate test (near-duplicates.ts): the
 * correlation of the grey thumbnails' gradients, matched over a few central crops.
 *
 * Why gradients. The 64-bit difference hash cannot tell two drawings of a digit, or two
 * centred blood cells, from a copy; neither can the correlation of grey thumbnails (two
 * different MNIST "1"s correlate up to 0.99 at 32 x 32). The gradient field (horizontal and
 * vertical differences of neighbouring thumbnail pixels) is what moves when a stroke or an
 * edge moves by a pixel, and what a re-encoding, a resize or a change of brightness keeps:
 * on the 5,000 MNIST digits of the study no two different drawings that pass the feature and
 * hash tests reach 0.97, while planted copies of photos stay above it (bench/README.md,
 * "Near duplicates", second pass).
 *
 * Why crops. A copy cropped by a few percent on every side is the original's centre
 * enlarged: its whole-frame code is compared with the other image's codes of the central
 * CROP_SCALES of the frame, and the best match counts.
 *
 * Codes. Each image keeps one grey thumbnail of THUMBNAIL_SIDE^2 bytes (stretched to a square,
 * as the difference hash is); from it, per scale, a (CODE_SIDE + 1)^2 box-filtered
 * resampling of the central crop, whose 2 * CODE_SIDE^2 differences are centred and scaled to
 * unit length. Correlation = dot product of two codes.
 */

/** Side of the stored grey thumbnail (bytes, row-major). */
export const THUMBNAIL_SIDE = 64;
/** Side of the gradient field compared (2 * CODE_SIDE^2 values per scale). */
export const CODE_SIDE = 32;
/** Central crops compared against the other image's whole frame (1 = the whole frame). */
export const CROP_SCALES = [1, 0.94, 0.88, 0.82] as const;
/** Values in one scale's code. */
export const CODE_LENGTH = 2 * CODE_SIDE * CODE_SIDE;

/**
 * Area-weighted resampling of the central `scale` of a side x side grey square to out x out
 * cells (each cell the mean of the source pixels it covers, partial pixels by their share).
 */
export function resampleCentre(grey: ArrayLike<number>, side: number, scale: number, out: number): Float64Array {
  if (grey.length !== side * side) throw new RangeError(`A ${side} x ${side} thumbnail has ${side * side} pixels; got ${grey.length}.`);
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`The crop scale must be in (0, 1]; got ${scale}.`);
  const result = new Float64Array(out * out);
  const origin = (side * (1 - scale)) / 2;
  const cell = (side * scale) / out;
  for (let ty = 0; ty < out; ty++) {
    const y0 = origin + ty * cell;
    const y1 = y0 + cell;
    for (let tx = 0; tx < out; tx++) {
      const x0 = origin + tx * cell;
      const x1 = x0 + cell;
      let sum = 0;
      let weight = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1) && y < side; y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        if (wy <= 0) continue;
        for (let x = Math.floor(x0); x < Math.ceil(x1) && x < side; x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          if (wx <= 0) continue;
          sum += wy * wx * (grey[y * side + x] as number);
          weight += wy * wx;
        }
      }
      result[ty * out + tx] = weight > 0 ? sum / weight : 0;
    }
  }
  return result;
}

/**
 * The gradient code of a (n + 1) x (n + 1) grid: for each of the n x n cells, the difference
 * to its right and to its lower neighbour, centred on their mean and scaled to unit length
 * (a flat grid gives zeros: alike nothing).
 */
export function gradientCode(grid: Float64Array, n: number, into: Float32Array = new Float32Array(2 * n * n), offset = 0): Float32Array {
  const m = n + 1;
  if (grid.length !== m * m) throw new RangeError(`A gradient code of ${n} x ${n} cells needs ${m * m} values; got ${grid.length}.`);
  const values = new Float64Array(2 * n * n);
  let k = 0;
  let mean = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const here = grid[y * m + x] as number;
      const right = (grid[y * m + x + 1] as number) - here;
      const down = (grid[(y + 1) * m + x] as number) - here;
      values[k++] = right;
      values[k++] = down;
      mean += right + down;
    }
  }
  mean /= values.length;
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] as number) - mean;
    values[i] = v;
    norm += v * v;
  }
  const scale = norm > 1e-18 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i++) into[offset + i] = (values[i] as number) * scale;
  return into;
}

/** The codes of every crop scale of one thumbnail, concatenated (CROP_SCALES.length x CODE_LENGTH). */
export function thumbnailCodes(grey: ArrayLike<number>, side = THUMBNAIL_SIDE): Float32Array {
  const codes = new Float32Array(CROP_SCALES.length * CODE_LENGTH);
  CROP_SCALES.forEach((scale, s) => gradientCode(resampleCentre(grey, side, scale, CODE_SIDE + 1), CODE_SIDE, codes, s * CODE_LENGTH));
  return codes;
}

/**
 * Values between two checks of the bounded test (`correlationReaches`): CODE_LENGTH / CHECK_EVERY
 * checks per dot product.
 */
export const CHECK_EVERY = 128;
const CHECKS = CODE_LENGTH / CHECK_EVERY;
/**
 * Room left for rounding when a partial sum is given up: the float64 sums of 2,048 products of
 * unit vectors err by less than 2048 * 2^-53 (2e-13), so a dot product given up at `bound - SLACK`
 * is below `bound` however it is summed.
 */
const SLACK = 1e-9;

/**
 * Tail norms of each scale's code: for scale s and check k, the length of the code's values
 * from k * CHECK_EVERY to its end (CROP_SCALES.length x CHECKS values). With them a dot product
 * that cannot reach a bound is given up early (`correlationReaches`).
 */
export function codeTails(codes: Float32Array): Float64Array {
  if (codes.length !== CROP_SCALES.length * CODE_LENGTH) throw new RangeError(`Thumbnail codes have ${CROP_SCALES.length * CODE_LENGTH} values; got ${codes.length}.`);
  const tails = new Float64Array(CROP_SCALES.length * CHECKS);
  for (let s = 0; s < CROP_SCALES.length; s++) {
    let sum = 0;
    for (let k = CHECKS - 1; k >= 0; k--) {
      for (let i = k * CHECK_EVERY; i < (k + 1) * CHECK_EVERY; i++) sum += (codes[s * CODE_LENGTH + i] as number) ** 2;
      tails[s * CHECKS + k] = Math.sqrt(sum);
    }
  }
  return tails;
}

/**
 * dot(a's scale sa, b's scale sb) >= bound, summed in the order of `dot` (so a pair it keeps
 * gets the same value, to the last bit), but given up as soon as the partial sum plus the
 * product of the two tails' lengths (Cauchy-Schwarz: the most the rest can add) is below the
 * bound by more than rounding can explain.
 */
function dotReaches(a: Float32Array, aTails: Float64Array, sa: number, b: Float32Array, bTails: Float64Array, sb: number, bound: number): boolean {
  const aOffset = sa * CODE_LENGTH;
  const bOffset = sb * CODE_LENGTH;
  const floor = bound - SLACK;
  let sum = 0;
  for (let k = 0; k < CHECKS; k++) {
    if (sum + (aTails[sa * CHECKS + k] as number) * (bTails[sb * CHECKS + k] as number) < floor) return false;
    const end = (k + 1) * CHECK_EVERY;
    for (let i = k * CHECK_EVERY; i < end; i++) sum += (a[aOffset + i] as number) * (b[bOffset + i] as number);
  }
  return sum >= bound;
}

/**
 * thumbnailCorrelation(a, b) >= bound, decided exactly as it would be (same sums in the same
 * order), at a fraction of the cost when the answer is no: each of the seven dot products is
 * given up once it cannot reach the bound, and the first to reach it answers yes.
 */
export function correlationReaches(a: Float32Array, aTails: Float64Array, b: Float32Array, bTails: Float64Array, bound: number): boolean {
  if (dotReaches(a, aTails, 0, b, bTails, 0, bound)) return true;
  for (let s = 1; s < CROP_SCALES.length; s++) {
    if (dotReaches(a, aTails, s, b, bTails, 0, bound) || dotReaches(a, aTails, 0, b, bTails, s, bound)) return true;
  }
  return false;
}

function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number): number {
  let sum = 0;
  for (let i = 0; i < CODE_LENGTH; i++) sum += (a[aOffset + i] as number) * (b[bOffset + i] as number);
  return sum;
}

/**
 * The thumbnails' correlation: the best of whole frame against whole frame and each central
 * crop of one against the whole frame of the other (in [-1, 1]).
 */
export function thumbnailCorrelation(a: Float32Array, b: Float32Array): number {
  let best = dot(a, 0, b, 0);
  for (let s = 1; s < CROP_SCALES.length; s++) {
    best = Math.max(best, dot(a, s * CODE_LENGTH, b, 0), dot(a, 0, b, s * CODE_LENGTH));
  }
  return best;
}
