/** State of the link between this page and the back end. Electron's IPC is always 'open'. */
export type ConnectionStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'lost'; attempt: number; retryInMs: number; reason: string }
  /** The host answers but refuses this page's token (it was restarted with a new one): retrying cannot help. */
  | { state: 'refused'; reason: string };
