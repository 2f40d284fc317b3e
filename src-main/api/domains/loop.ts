/** Handlers of the loop domain: settings, rounds, training, suggestions. */
import type { loopRequests } from '../../../src-shared/requests/loop';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function loopHandlers(ws: Workspace): HandlersOf<typeof loopRequests> {
  const loop = () => ws.adaptation().loop;
  return {
    'loop:settings': () => loop().settings(),
    'loop:updateSettings': (changes) => loop().updateSettings(changes),
    'loop:currentRound': () => loop().currentRound(),
    'loop:nextRound': () => loop().nextRound(),
    'loop:train': async () => {
      await loop().train();
      return ws.adaptation().status();
    },
    'loop:rounds': ({ limit }) => ws.adaptation().store.rounds(limit),
    'loop:suggestion': ({ imageId }) => loop().suggestion(imageId),
  };
}
