/**
 * The preload bridge: exposes `window.api` with one function per request in the contract
 * and a typed `on(event, listener)` whose return value removes exactly that listener.
 * ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, eventNames, type EventName, type Events, type RawApi } from '../src-shared/contract';

const api: Record<string, unknown> = {};
for (const channel of channels) {
  api[channel] = (args: unknown, session: string | null, windowId: string | null) => ipcRenderer.invoke(channel, args, session, windowId);
}
api.on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
  if (!eventNames.includes(event)) throw new Error(`Unknown event "${event}"`);
  const wrapped = (_event: IpcRendererEvent, payload: Events[E]) => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => {
    ipcRenderer.removeListener(event, wrapped);
  };
};

contextBridge.exposeInMainWorld('api', api as RawApi);
