/**
 * The symmetries of the square as views of a decoded image, for images whose orientation means
 * nothing (a blood smear, tissue, cells, an aerial photo have no "up"): the head can learn each
 * label in every view (bench/study/screens/RESULTS-screen3.md: on the blood cells the default
 * reached 75% with 110-120 labels instead of 190-210). Never for digits, letters or most photos:
 * a turned 6 is a 9.
 *
 * View k of an image (HWC bytes, row-major) is the image mirrored left-right when k >= 4, then
 * turned clockwise by 90 * (k mod 4) degrees; view 0 is the image itself. A square image has the
 * 8 views; any other keeps its shape only under 0, 2 (half a turn), 4 (the mirror) and 6 (the
 * mirror turned half a turn), so it has those 4. Index permutations only: every pixel value is
 * kept exactly.
 */

/** The views an image of this shape has (see the file's comment). */
export function symmetryViews(height: number, width: number): readonly number[] {
  return height === width ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 2, 4, 6];
}

/** View `view` of one height x width x channels image (see the file's comment). */
export function viewOf(pixels: Uint8Array, height: number, width: number, channels: number, view: number): Uint8Array {
  if (pixels.length !== height * width * channels) throw new Error(`viewOf: ${pixels.length} bytes for a ${height}x${width}x${channels} image.`);
  if (!symmetryViews(height, width).includes(view)) throw new Error(`viewOf: a ${height}x${width} image has no view ${view}.`);
  const turns = view % 4;
  const mirrored = view >= 4;
  // Output (y, x) of a clockwise turn reads the (mirrored) input at (sy, sx); for odd turns the
  // image is square, so height = width = n.
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sy: number;
      let sx: number;
      if (turns === 0) [sy, sx] = [y, x];
      else if (turns === 1) [sy, sx] = [height - 1 - x, y];
      else if (turns === 2) [sy, sx] = [height - 1 - y, width - 1 - x];
      else [sy, sx] = [x, width - 1 - y];
      if (mirrored) sx = width - 1 - sx;
      const from = (sy * width + sx) * channels;
      const to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = pixels[from + c] as number;
    }
  }
  return out;
}

/**
 * Every view but view 0 of each image in a batch (n images back to back), image by image then
 * view by view: row i * (views - 1) + (v - 1) is view v of image i.
 */
export function otherViewsOfBatch(pixels: Uint8Array, n: number, height: number, width: number, channels: number): { pixels: Uint8Array; views: readonly number[] } {
  const views = symmetryViews(height, width).slice(1);
  const size = height * width * channels;
  const out = new Uint8Array(n * views.length * size);
  for (let i = 0; i < n; i++) {
    const image = pixels.subarray(i * size, (i + 1) * size);
    views.forEach((view, k) => out.set(viewOf(image, height, width, channels, view), (i * views.length + k) * size));
  }
  return { pixels: out, views };
}
