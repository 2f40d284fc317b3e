/** The project's classes, in order, with their hotkeys and label counts. State changes through the methods only. */
import type { ClassInfo, ProjectChange, ProjectChanged } from '../../src-shared/contract';
import { totalSplit, type LabelSplit } from '../logic/label-counts';
import { call } from '../api/client';

class ClassesStore {
  /**
   * The project changes that carry a new class list (with counts), and the evaluation set's
   * changes, which carry nothing but move labels between training and evaluation (a leaked
   * image taken out, an import undone): the list is read again then.
   */
  readonly follows: readonly ProjectChange[] = ['classes', 'labels', 'evaluation'];

  #list = $state<ClassInfo[]>([]);
  #byId = $derived(new Map(this.#list.map((c) => [c.id, c])));
  #hotkeys = $derived(new Map(this.#list.map((c) => [c.hotkey.toLowerCase(), c.id])));
  /**
   * The project's labels split into training and evaluation labels, from this list's counts:
   * the one split the header's "labeled" and the gallery's Labeled filter show (as the class bar
   * and the dashboard split each class's).
   */
  #labelSplit = $derived(totalSplit(this.#list));

  get list(): ClassInfo[] {
    return this.#list;
  }
  get byId(): Map<number, ClassInfo> {
    return this.#byId;
  }
  get hotkeys(): Map<string, number> {
    return this.#hotkeys;
  }
  get labelSplit(): LabelSplit {
    return this.#labelSplit;
  }

  async load(): Promise<void> {
    this.#list = await call('classes:list');
  }

  clear(): void {
    this.#list = [];
  }

  follow(event: ProjectChanged): void {
    if (event.change === 'classes' || event.change === 'labels') this.#list = event.classes;
    // The counts stay as they were if the read fails; the next labels event brings them.
    if (event.change === 'evaluation') this.load().catch(() => undefined);
  }

  async create(name: string, color?: string): Promise<ClassInfo> {
    const created = await call('classes:create', { name, color });
    await this.load();
    return created;
  }

  async update(id: number, changes: { name?: string; color?: string; hotkey?: string }): Promise<void> {
    await call('classes:update', { id, name: changes.name, color: changes.color, hotkey: changes.hotkey });
    await this.load();
  }

  async reorder(ids: number[]): Promise<void> {
    this.#list = await call('classes:reorder', { ids });
  }
}

export const classes = new ClassesStore();
