/** A single-channel 8-bit image as the MNIST-style datasets ship it (row-major, 0 = black). */
export interface GrayImage {
  width: number;
  height: number;
  /** width * height bytes, 0..255. */
  pixels: Uint8Array;
}

/** MNIST and Fashion-MNIST images are 28 x 28. */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
