/** The link to the back end, for the "connection lost" banner. */
import { bridge } from '../api/bridge';
import type { ConnectionStatus } from '../api/connection-status';

class Connection {
  status = $state<ConnectionStatus>({ state: 'connecting', attempt: 0 });
  /** True once the link has been open at least once (the first connect shows no banner). */
  everOpen = $state(false);

  watch(onReconnect: () => void, onLost: () => void): () => void {
    return bridge().onStatus((status) => {
      const wasLost = this.status.state === 'lost';
      this.status = status;
      if (status.state === 'lost' && !wasLost) onLost();
      if (status.state === 'open') {
        if (wasLost && this.everOpen) onReconnect();
        this.everOpen = true;
      }
    });
  }
}

export const connection = new Connection();
