/**
 * What the engine needs to know about a pre-trained model besides its graph. Stored as
 * `adma-model.json` beside `model.json` for models the product builds (the starter model)
 * and detected automatically for known architectures (MobileNet v1).
 */
export interface ModelDescriptor {
  formatVersion: 1;
  /** Stable id: keys the feature cache together with the image content hash. */
  id: string;
  name: string;
  /** Model input, height x width x channels (1: grayscale, 3: RGB). */
  input: { height: number; width: number; channels: 1 | 3 };
  /** Pixel normalisation applied to 0..255 values: x * scale + offset. */
  normalization: { scale: number; offset: number };
  /** How an image is fitted to the input: centre crop keeps aspect ratio, squash does not. */
  resize: 'center-crop' | 'squash';
  /** Lower layer A and higher layer B of the distinctiveness criterion (pooled). */
  layerA: string;
  layerB: string;
  /** Layer whose output is the source model's softmax over its K classes. */
  softmaxLayer: string;
  sourceLabels: string[];
  /** Deep fine-tuning: everything up to and including this layer stays frozen and cached. */
  cutLayer: string;
  /** Source-class centres computed from source data (starter model only), relative path. */
  centresFile?: string;
}
