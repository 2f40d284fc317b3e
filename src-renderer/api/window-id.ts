/**
 * This page's own id (src-shared/window-id.ts): made once per page load, sent with every
 * request, and given back as the `origin` of the label changes those requests make, so that a
 * change this window made is known for its own and another window's is told (a reload is a new
 * page, with a new id: what the old one did is another window's to it).
 */
import { newWindowId } from '../../src-shared/window-id';

let id: string | null = null;

export const thisWindow = {
  get id(): string {
    id ??= newWindowId();
    return id;
  },

  /** Whether this page made a change whose origin is `origin` (null: no window did, so not this one). */
  made(origin: string | null): boolean {
    return origin !== null && origin === this.id;
  },
};
