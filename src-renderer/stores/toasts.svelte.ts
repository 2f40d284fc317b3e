/** Short messages for the user: errors stay longer than notices; each can be dismissed. */
import { errorMessage } from '../api/client';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

class Toasts {
  #items = $state<Toast[]>([]);
  #nextId = 1;

  get items(): Toast[] {
    return this.#items;
  }

  push(kind: Toast['kind'], message: string): void {
    const id = this.#nextId++;
    this.#items = [...this.#items.slice(-3), { id, kind, message }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 9000 : 4000);
  }

  error(error: unknown, context?: string): void {
    const message = errorMessage(error);
    this.push('error', context ? `${context}: ${message}` : message);
  }

  info(message: string): void {
    this.push('info', message);
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
