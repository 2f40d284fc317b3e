/** Zoom and pan of the image in the labeling view; reset to "fit" for every new image. */
import { fitView, panBy, zoomAt, type Size, type View } from '../logic/zoom-pan';

class Viewer {
  #box = $state<Size>({ width: 0, height: 0 });
  #image = $state<Size>({ width: 0, height: 0 });
  #view = $state<View>({ scale: 1, x: 0, y: 0 });
  #adjusted = $state(false);

  get box(): Size {
    return this.#box;
  }
  get image(): Size {
    return this.#image;
  }
  get view(): View {
    return this.#view;
  }
  /** True while the user has zoomed or panned away from the fitted view. */
  get adjusted(): boolean {
    return this.#adjusted;
  }

  show(image: Size): void {
    this.#image = image;
    this.fit();
  }

  resize(box: Size): void {
    this.#box = box;
    if (!this.#adjusted) this.fit();
  }

  fit(): void {
    this.#view = fitView(this.#image, this.#box);
    this.#adjusted = false;
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    const point = at ?? { x: this.#box.width / 2, y: this.#box.height / 2 };
    this.#view = zoomAt(this.#view, factor, point, this.#image, this.#box);
    this.#adjusted = true;
  }

  pan(dx: number, dy: number): void {
    this.#view = panBy(this.#view, dx, dy);
    this.#adjusted = true;
  }
}

export const viewer = new Viewer();
