/** Typed pushed events: services emit, each shell (Electron IPC, WebSocket) subscribes once. */
import type { EventName, Events } from '../../src-shared/contract';

export type EventSink = <E extends EventName>(event: E, payload: Events[E]) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const sink of this.sinks) sink(event, payload);
  }
}
