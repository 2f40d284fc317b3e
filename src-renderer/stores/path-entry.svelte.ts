/**
 * A path field: live validation and completion as the user types, of folders and, in a field
 * that takes files (the Import dialog's), of the files it takes. The project picker checks with
 * `project:checkPath`; other fields (the export destination, the demo folder) bring their own
 * check.
 */
import { tick } from 'svelte';
import type { ArgsOf, FilePurpose, PathCheck, PathCompletion } from '../../src-shared/contract';
import { FILE_ENDINGS } from '../../src-shared/requests/project';
import { call } from '../api/client';
import { completeTyped } from '../logic/path-completion';
import { toasts } from './toasts.svelte';

export class PathEntry<C extends PathCheck = PathCheck> {
  #value = $state('');
  #check = $state<C | null>(null);
  #completion = $state<PathCompletion | null>(null);
  #checking = $state(false);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;
  readonly #checkPath: (path: string) => Promise<C>;
  readonly #pick: () => ArgsOf<'project:pickFolder'>;
  readonly #files: () => FilePurpose | null;

  /**
   * `pick`: what "Choose folder…" picks the folder for (its `purpose`; Locate…'s with the entry's
   * path), for the dialog's words. Every field says it: a default would give a new field another
   * field's dialog. `files`: what file the field takes besides folders, if any (FilePurpose):
   * Tab completes the files with its endings (FILE_ENDINGS) and "Choose file…" opens its
   * dialog; by default none, and only folders complete.
   */
  constructor(checkPath: (path: string) => Promise<C>, pick: () => ArgsOf<'project:pickFolder'>, files: () => FilePurpose | null = () => null) {
    this.#checkPath = checkPath;
    this.#pick = pick;
    this.#files = files;
  }

  /** What file the field takes now (null: folders only). */
  get filePurpose(): FilePurpose | null {
    return this.#files();
  }

  /** The endings of the files the field takes now (".csv"), for Tab completion; empty: folders only. */
  get fileEndings(): readonly string[] {
    const purpose = this.#files();
    return purpose === null ? [] : FILE_ENDINGS[purpose];
  }

  get value(): string {
    return this.#value;
  }
  get check(): C | null {
    return this.#check;
  }
  get completion(): PathCompletion | null {
    return this.#completion;
  }
  get checking(): boolean {
    return this.#checking;
  }

  set(value: string): void {
    this.#value = value;
    if (this.#timer) clearTimeout(this.#timer);
    if (!value.trim()) {
      this.#generation++;
      this.#check = null;
      this.#completion = null;
      return;
    }
    this.#checking = true;
    this.#timer = setTimeout(() => void this.refresh(), 120);
  }

  /** Check the path again (the folder may have changed since it was typed), as typing it would. */
  recheck(): void {
    if (this.#value.trim()) this.set(this.#value);
  }

  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    const value = this.#value;
    try {
      const endings = this.fileEndings;
      const asked = endings.length > 0 ? { partial: value, fileEndings: [...endings] } : { partial: value };
      const [check, completion] = await Promise.all([this.#checkPath(value), call('project:completePath', asked)]);
      if (generation !== this.#generation) return;
      this.#check = check;
      this.#completion = completion;
    } finally {
      if (generation === this.#generation) this.#checking = false;
    }
  }

  /** The check of the value as typed now: a check still waiting or running is finished first. */
  async settled(): Promise<C | null> {
    if (!this.#value.trim()) return null;
    if (this.#timer || this.#checking) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      await this.refresh();
    }
    return this.#check;
  }

  /**
   * The field's keydown: Enter typed before the path's check has answered (the form's buttons
   * wait for it, so the browser would drop the key) submits the form once the check is in.
   * Returns whether it took the key.
   */
  submitWhenChecked(event: KeyboardEvent): boolean {
    if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return false;
    if (!this.#timer && !this.#checking) return false;
    event.preventDefault();
    const form = (event.currentTarget as HTMLInputElement | null)?.form ?? null;
    void this.settled()
      .then(() => tick())
      .then(() => form?.requestSubmit());
    return true;
  }

  /** Whether Tab would complete something, judged from the completion already at hand. */
  canComplete(): boolean {
    if (!this.#value.trim()) return false;
    if (this.#checking || !this.#completion) return true;
    return completeTyped(this.#value, this.#completion.entries) !== null;
  }

  /** Tab: complete the typed path. Returns false when there was nothing to complete. */
  async complete(): Promise<boolean> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    await this.refresh();
    const next = completeTyped(this.#value, this.#completion?.entries ?? []);
    if (next === null) return false;
    this.#value = next;
    await this.refresh();
    return true;
  }

  choose(path: string): void {
    this.set(path);
  }

  /**
   * The field's keydown: Tab (without Shift) completes while there is something to complete,
   * otherwise it moves focus on as usual. Returns whether it took the key.
   */
  completeOnTab(event: KeyboardEvent): boolean {
    if (event.key !== 'Tab' || event.shiftKey || !this.canComplete()) return false;
    event.preventDefault();
    void this.complete();
    return true;
  }

  /** "Choose folder…": the system's folder dialog; the chosen folder replaces the typed path. */
  async pickFolder(): Promise<void> {
    try {
      const chosen = await call('project:pickFolder', this.#pick());
      if (chosen) this.choose(chosen);
    } catch (e) {
      toasts.error(e, 'The folder dialog failed');
    }
  }

  /** "Choose file…": the system's file dialog for the file the field takes; the chosen file replaces the typed path. */
  async pickFile(): Promise<void> {
    const purpose = this.#files();
    if (purpose === null) return;
    try {
      const chosen = await call('project:pickFile', { purpose });
      if (chosen) this.choose(chosen);
    } catch (e) {
      toasts.error(e, 'The file dialog failed');
    }
  }
}

export const pathEntry = new PathEntry((path) => call('project:checkPath', { path }), () => ({ purpose: 'openProject' }));
