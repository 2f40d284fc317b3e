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
 * The pixels each of `out` cells covers along one axis, for cells of `cell` pixels from
 * `origin`; past the square (a moved window) the edge pixel is repeated. Flat: cell t's pixels
 * are index[start[t]] .. index[start[t + 1] - 1], each with its share `weight` of the pixel;
 * `total[t]` is the sum of cell t's weights, added in that order.
 */
interface AxisWeights {
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  total: Float64Array;
}

function axisWeights(side: number, origin: number, cell: number, out: number, moved: boolean): AxisWeights {
  const start = new Int32Array(out + 1);
  const index: number[] = [];
  const weight: number[] = [];
  const total = new Float64Array(out);
  for (let t = 0; t < out; t++) {
    start[t] = index.length;
    const v0 = origin + t * cell;
    const v1 = v0 + cell;
    let sum = 0;
    for (let v = Math.floor(v0); v < Math.ceil(v1) && (moved || v < side); v++) {
      const w = Math.min(v + 1, v1) - Math.max(v, v0);
      if (w <= 0) continue;
      index.push(Math.min(side - 1, Math.max(0, v)));
      weight.push(w);
      sum += w;
    }
    total[t] = sum;
  }
  start[out] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight), total };
}

/**
 * The axis weights of each window resampled so far, by side, scale, cells and shift: a pool's
 * thumbnails all use the same few (CROP_SCALES, FINE_CROP_SCALES, the one-cell moves), so they
 * are worked out once instead of at every resampling.
 */
const axisWeightsKept = new Map<string, AxisWeights>();

function keptAxisWeights(side: number, scale: number, out: number, shift: number): AxisWeights {
  const key = `${side} ${scale} ${out} ${shift}`;
  let axis = axisWeightsKept.get(key);
  if (!axis) {
    const cell = (side * scale) / out;
    const margin = (side * (1 - scale)) / 2;
    axis = axisWeights(side, margin + shift * cell, cell, out, shift !== 0);
    axisWeightsKept.set(key, axis);
  }
  return axis;
}

/**
 * Area-weighted resampling of the central `scale` of a side x side grey square to out x out
 * cells (each cell the mean of the source pixels it covers, partial pixels by their share),
 * its window moved by `shiftX`, `shiftY` cells (0: centred); a window reaching past the square
 * sees its edge pixels repeated. Separable: the rows are resampled first, then the columns.
 */
export function resampleCentre(grey: ArrayLike<number>, side: number, scale: number, out: number, shiftX = 0, shiftY = 0): Float64Array {
  if (grey.length !== side * side) throw new RangeError(`A ${side} x ${side} thumbnail has ${side * side} pixels; got ${grey.length}.`);
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`The crop scale must be in (0, 1]; got ${scale}.`);
  return resampleInto(grey, side, scale, out, shiftX, shiftY, new Float64Array(side * out), new Float64Array(out * out));
}

/** resampleCentre into `result` (out^2 values), with `across` (side x out values) to work in; arguments unchecked. */
function resampleInto(grey: ArrayLike<number>, side: number, scale: number, out: number, shiftX: number, shiftY: number, across: Float64Array, result: Float64Array): Float64Array {
  const columns = keptAxisWeights(side, scale, out, shiftX);
  const rows = keptAxisWeights(side, scale, out, shiftY);
  // Each source row resampled across (out values a row), then each cell down its column.
  for (let y = 0; y < side; y++) {
    const { start, index, weight, total } = columns;
    const base = y * side;
    for (let tx = 0; tx < out; tx++) {
      let sum = 0;
      const end = start[tx + 1] as number;
      for (let k = start[tx] as number; k < end; k++) sum += (weight[k] as number) * (grey[base + (index[k] as number)] as number);
      const t = total[tx] as number;
      across[y * out + tx] = t > 0 ? sum / t : 0;
    }
  }
  const { start, index, weight, total } = rows;
  for (let ty = 0; ty < out; ty++) {
    const t = total[ty] as number;
    const first = start[ty] as number;
    const end = start[ty + 1] as number;
    for (let tx = 0; tx < out; tx++) {
      let sum = 0;
      for (let k = first; k < end; k++) sum += (weight[k] as number) * (across[(index[k] as number) * out + tx] as number);
      result[ty * out + tx] = t > 0 ? sum / t : 0;
    }
  }
  return result;
}

/** Work space of `codesAt` (one thumbnail at a time: the engine's code is synchronous). */
const scratch = { across: new Float64Array(0), grid: new Float64Array(0), values: new Float64Array(0) };

/**
 * Gradient codes of the central crops at `scales` (each moved by shiftX, shiftY cells) of a side x
 * side thumbnail, written one after another into `into` from `offset`: the same values as
 * gradientCode(resampleCentre(...)) per scale, without a new array per step.
 */
function codesAt(grey: ArrayLike<number>, side: number, scales: readonly number[], into: Float32Array, offset = 0, shiftX = 0, shiftY = 0): Float32Array {
  if (grey.length !== side * side) throw new RangeError(`A ${side} x ${side} thumbnail has ${side * side} pixels; got ${grey.length}.`);
  const out = CODE_SIDE + 1;
  if (scratch.across.length !== side * out) scratch.across = new Float64Array(side * out);
  if (scratch.grid.length !== out * out) scratch.grid = new Float64Array(out * out);
  if (scratch.values.length !== CODE_LENGTH) scratch.values = new Float64Array(CODE_LENGTH);
  scales.forEach((scale, s) => gradientCodeWith(resampleInto(grey, side, scale, out, shiftX, shiftY, scratch.across, scratch.grid), CODE_SIDE, into, offset + s * CODE_LENGTH, scratch.values));
  return into;
}

/**
 * The gradient code of a (n + 1) x (n + 1) grid: for each of the n x n cells, the difference
 * to its right and to its lower neighbour, centred on their mean and scaled to unit length
 * (a flat grid gives zeros: alike nothing).
 */
export function gradientCode(grid: Float64Array, n: number, into: Float32Array = new Float32Array(2 * n * n), offset = 0): Float32Array {
  const m = n + 1;
  if (grid.length !== m * m) throw new RangeError(`A gradient code of ${n} x ${n} cells needs ${m * m} values; got ${grid.length}.`);
  return gradientCodeWith(grid, n, into, offset, new Float64Array(2 * n * n));
}

/** gradientCode with `values` (2 n^2 values) to work in; arguments unchecked. */
function gradientCodeWith(grid: Float64Array, n: number, into: Float32Array, offset: number, values: Float64Array): Float32Array {
  const m = n + 1;
  const length = 2 * n * n;
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
  mean /= length;
  let norm = 0;
  for (let i = 0; i < length; i++) {
    const v = (values[i] as number) - mean;
    values[i] = v;
    norm += v * v;
  }
  const scale = norm > 1e-18 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < length; i++) into[offset + i] = (values[i] as number) * scale;
  return into;
}

/** The codes of every crop scale of one thumbnail, concatenated (CROP_SCALES.length x CODE_LENGTH). */
export function thumbnailCodes(grey: ArrayLike<number>, side = THUMBNAIL_SIDE): Float32Array {
  return codesAt(grey, side, CROP_SCALES, new Float32Array(CROP_SCALES.length * CODE_LENGTH));
}

/**
 * Values between two checks of the bounded test (`correlationReaches`): CODE_LENGTH / CHECK_EVERY
 * checks per dot product.
 */
export const CHECK_EVERY = 128;
const CHECKS = CODE_LENGTH / CHECK_EVERY;
/**
 * Room left for rounding: the products of two float32 values are exact in float64, and the
 * float64 sums of 2,048 of them (unit vectors) err by less than 2048 * 2^-53 (2e-13) however
 * they are grouped, so a dot product summed one way at `bound - SLACK` (or `bound + SLACK`)
 * is below (or above) `bound` summed any other way.
 */
const SLACK = 1e-9;

/**
 * The order in which the bounded test sums a code's values: by the distance of their cell from
 * the frame's centre, nearest first (ties in code order). A digit or a centred object has its
 * strokes and edges there, so the partial sum of a pair that cannot reach the bound falls
 * behind after fewer values than in row order, where the first rows are often empty margin
 * (a blank border adds nothing to the sum and keeps the bound as loose as at the start).
 * CHECK_ORDER[k] is the code index summed k-th; CHECK_POSITIONS its inverse.
 */
export const CHECK_ORDER: Int32Array = (() => {
  const centre = CODE_SIDE / 2;
  const distance = (k: number): number => {
    const cell = k >> 1;
    return ((cell % CODE_SIDE) + 0.5 - centre) ** 2 + (Math.floor(cell / CODE_SIDE) + 0.5 - centre) ** 2;
  };
  return Int32Array.from({ length: CODE_LENGTH }, (_, k) => k).sort((x, y) => distance(x) - distance(y) || x - y);
})();
/** Where each code index sits in codes in check order (checkOrderCodes). */
export const CHECK_POSITIONS: Int32Array = (() => {
  const positions = new Int32Array(CODE_LENGTH);
  CHECK_ORDER.forEach((index, k) => (positions[index] = k));
  return positions;
})();

/** Thumbnail codes (thumbnailCodes) with each scale's values in CHECK_ORDER: what correlationReaches sums fastest. */
export function checkOrderCodes(codes: Float32Array): Float32Array {
  if (codes.length % CODE_LENGTH !== 0) throw new RangeError(`Codes come in scales of ${CODE_LENGTH} values; got ${codes.length}.`);
  const out = new Float32Array(codes.length);
  for (let offset = 0; offset < codes.length; offset += CODE_LENGTH) {
    for (let k = 0; k < CODE_LENGTH; k++) out[offset + k] = codes[offset + (CHECK_ORDER[k] as number)] as number;
  }
  return out;
}

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
 * dot(a's scale sa, b's scale sb) >= bound, decided as `dot` would decide it (summed in its
 * order, to the last bit), at a fraction of the cost: the products are first summed into four
 * running sums (one chain of additions in `dot` waits for each add to finish; four run side by
 * side), and the dot product is given up as soon as that partial sum plus the product of the
 * two tails' lengths (Cauchy-Schwarz: the most the rest can add) is below the bound by more
 * than rounding can explain. The four sums differ from `dot`'s one by rounding only (SLACK), so
 * a total clearly above or below the bound is the answer, and only a total within SLACK of it is
 * summed again in `dot`'s order. The codes may be stored in another order (`positions`: where
 * each code index is, checkOrderCodes): the four sums go in the stored order, which they need
 * not know, and `dot` gathers the values back into code order.
 */
function dotReaches(a: Float32Array, aTails: Float64Array, sa: number, b: Float32Array, bTails: Float64Array, sb: number, bound: number, positions: Int32Array | null): boolean {
  const aOffset = sa * CODE_LENGTH;
  const bOffset = sb * CODE_LENGTH;
  const floor = bound - SLACK;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = 0; k < CHECKS; k++) {
    if (s0 + s1 + (s2 + s3) + (aTails[sa * CHECKS + k] as number) * (bTails[sb * CHECKS + k] as number) < floor) return false;
    const end = (k + 1) * CHECK_EVERY;
    for (let i = k * CHECK_EVERY; i < end; i += 4) {
      s0 += (a[aOffset + i] as number) * (b[bOffset + i] as number);
      s1 += (a[aOffset + i + 1] as number) * (b[bOffset + i + 1] as number);
      s2 += (a[aOffset + i + 2] as number) * (b[bOffset + i + 2] as number);
      s3 += (a[aOffset + i + 3] as number) * (b[bOffset + i + 3] as number);
    }
  }
  const sum = s0 + s1 + (s2 + s3);
  if (sum < floor) return false;
  if (sum >= bound + SLACK) return true;
  return dot(a, aOffset, b, bOffset, positions) >= bound;
}

/**
 * thumbnailCorrelation(a, b) >= bound, decided exactly as it would be (same sums in the same
 * order), at a fraction of the cost when the answer is no: each of the seven dot products is
 * given up once it cannot reach the bound, and the first to reach it answers yes. The codes are
 * thumbnailCodes, or with `positions` = CHECK_POSITIONS checkOrderCodes (faster to give up on);
 * the tails are codeTails of the codes as given.
 */
export function correlationReaches(a: Float32Array, aTails: Float64Array, b: Float32Array, bTails: Float64Array, bound: number, positions: Int32Array | null = null): boolean {
  if (dotReaches(a, aTails, 0, b, bTails, 0, bound, positions)) return true;
  for (let s = 1; s < CROP_SCALES.length; s++) {
    if (dotReaches(a, aTails, s, b, bTails, 0, bound, positions) || dotReaches(a, aTails, 0, b, bTails, s, bound, positions)) return true;
  }
  return false;
}

/** One scale's dot product, summed in code order; `positions`: where each code index is stored (null: in code order). */
function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, positions: Int32Array | null = null): number {
  let sum = 0;
  if (positions) {
    for (let i = 0; i < CODE_LENGTH; i++) {
      const k = positions[i] as number;
      sum += (a[aOffset + k] as number) * (b[bOffset + k] as number);
    }
    return sum;
  }
  for (let i = 0; i < CODE_LENGTH; i++) sum += (a[aOffset + i] as number) * (b[bOffset + i] as number);
  return sum;
}

/**
 * The thumbnails' correlation: the best of whole frame against whole frame and each central
 * crop of one against the whole frame of the other (in [-1, 1]); codes stored as for
 * correlationReaches (`positions`), the sums in code order either way.
 */
export function thumbnailCorrelation(a: Float32Array, b: Float32Array, positions: Int32Array | null = null): number {
  let best = dot(a, 0, b, 0, positions);
  for (let s = 1; s < CROP_SCALES.length; s++) {
    best = Math.max(best, dot(a, s * CODE_LENGTH, b, 0, positions), dot(a, 0, b, s * CODE_LENGTH, positions));
  }
  return best;
}

/**
 * The last check of the near-duplicate test, on the few pairs that pass every other
 * (near-duplicates.ts): is what tells the two thumbnails apart small next to what the image's
 * own detail makes of a one-cell move?
 *
 * Why. A correlation bound means more for a detailed photo than for a low-detail image: moved
 * by one cell (1/32 of the frame), a photo's gradient code correlates with itself at about 0.5,
 * a thin handwritten "1" at 0.8 to 0.94 (its stroke barely changes along its length), so two
 * different drawings of a "1" at one slant reach 0.95 to 0.97, past the gradient bound, and were
 * grouped as copies (19 pairs among 10,000 MNIST digits). Here the pair's residual
 * (1 - correlation, aligned) is compared with the residual of that one-cell move of the less
 * detailed image: a copy (re-encoded, resized, brightened, slightly cropped) differs from its
 * original by a small share of it, a different drawing by much more, however little detail the
 * two have. Measured on MNIST digits and on hymenoptera and blood-cell photos, each with
 * planted copies (bench/README.md, "Near duplicates of low-detail images"): of the pairs that
 * pass every other test, photo copies stay under 0.12 and digit copies under 0.15 but for a few
 * JPEG-q40 re-encodings of the thinnest "1"s; the different "1"s are all above 0.17.
 *
 * Alignment. The crop is matched at FINE_CROP_SCALES (steps of 1%, CROP_SCALES among them): the
 * coarse steps leave a cropped copy a fraction of a cell off, a residual as large as a different
 * drawing's on low-detail images. The fine codes are made only for pairs whose residual at the
 * coarse crops is too large (NearDuplicateIndex.residualSmall): on photos next to none.
 */
export const FINE_CROP_SCALES: readonly number[] = Array.from({ length: 21 }, (_, k) => (100 - k) / 100);
/** Largest residual of a copy, as a share of the residual of a one-cell move of the less detailed image. */
export const MAX_RESIDUAL_SHARE = 0.15;

/**
 * The best correlation of a thumbnail's whole-frame gradient code with the code of the frame
 * moved by one cell in any of the 8 directions: near 1 for an image a small move hardly
 * changes (little detail), far below for a detailed one.
 */
export function moveCorrelation(grey: ArrayLike<number>, side = THUMBNAIL_SIDE): number {
  const whole = codesAt(grey, side, [1], new Float32Array(CODE_LENGTH));
  const moved = new Float32Array(CODE_LENGTH);
  let best = -1;
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      if (dx === 0 && dy === 0) continue;
      codesAt(grey, side, [1], moved, 0, dx, dy);
      best = Math.max(best, dot(whole, 0, moved, 0));
    }
  }
  return best;
}

/** Gradient codes of the central FINE_CROP_SCALES crops of a thumbnail, concatenated (the first: the whole frame; 168 KB). */
export function fineCropCodes(grey: ArrayLike<number>, side = THUMBNAIL_SIDE): Float32Array {
  return codesAt(grey, side, FINE_CROP_SCALES, new Float32Array(FINE_CROP_SCALES.length * CODE_LENGTH));
}

/**
 * The correlation of two thumbnails aligned at FINE_CROP_SCALES (fineCropCodes): the best of
 * each crop of one against the whole frame of the other; never below thumbnailCorrelation,
 * whose crops are among these and computed alike.
 */
export function alignedCorrelation(a: Float32Array, b: Float32Array): number {
  let best = dot(a, 0, b, 0);
  for (let s = 1; s < FINE_CROP_SCALES.length; s++) best = Math.max(best, dot(a, s * CODE_LENGTH, b, 0), dot(a, 0, b, s * CODE_LENGTH));
  return best;
}

/**
 * A pair's residual (1 - `correlation`) as a share of the residual of a one-cell move of the
 * less detailed of the two (the higher of their moveCorrelation): 0 for identical thumbnails;
 * Infinity for images no move changes (flat) unless identical.
 */
export function residualShare(correlation: number, moveA: number, moveB: number): number {
  const residual = Math.max(0, 1 - correlation);
  const moveResidual = 1 - Math.max(moveA, moveB);
  if (moveResidual <= 1e-12) return residual <= 1e-12 ? 0 : Infinity;
  return residual / moveResidual;
}
