/** The fixed recipe of the starter model: every number the build uses, in one place. */
export const STARTER_RECIPE = {
  modelId: 'starter-fashion-mnist-v1',
  modelName: 'Starter CNN (Fashion-MNIST, 10 classes)',
  /** Seed of the data split, the shuffles and the weight initialisers. */
  seed: 20261127,
  testPerClass: 1000,
  trainPerClass: 1500,
  batchSize: 32,
  /** Training phases, each with a fresh Adam optimiser: a fast phase, then a low-rate one. */
  phases: [
    { epochs: 2, learningRate: 2e-3 },
    { epochs: 1, learningRate: 2e-4 },
  ],
  /** Held-out images scored after each epoch for the log (the final score uses all). */
  monitorImages: 1000,
  demo: { perDigit: 30, columns: 20, seed: 7 },
} as const;
