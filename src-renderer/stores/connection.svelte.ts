/** The link to the back end, for the "connection lost" banner and the resync after it. */
import { bridge } from '../api/bridge';
import type { ConnectionStatus } from '../api/connection-status';

class Connection {
  #status = $state<ConnectionStatus>({ state: 'connecting', attempt: 0 });
  #everOpen = $state(false);
  #lostSinceOpen = false;

  get status(): ConnectionStatus {
    return this.#status;
  }
  /** True once the link has been open at least once (the first connect shows no banner). */
  get everOpen(): boolean {
    return this.#everOpen;
  }

  watch(onReconnect: () => void, onLost: () => void): () => void {
    return bridge().onStatus((status) => {
      this.#status = status;
      if (status.state === 'lost' && !this.#lostSinceOpen) {
        this.#lostSinceOpen = true;
        onLost();
      }
      if (status.state === 'open') {
        const reconnected = this.#lostSinceOpen && this.#everOpen;
        this.#lostSinceOpen = false;
        this.#everOpen = true;
        if (reconnected) onReconnect();
      }
    });
  }
}

export const connection = new Connection();
