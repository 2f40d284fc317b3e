import { expect, type Page } from '@playwright/test';

/**
 * The Suspect labels queue's file names in queue order. The list is virtual (only the rows on
 * screen exist), so it is scrolled through a screen at a time, reading the rows each time, and
 * left at the top; the cursor does not move.
 */
export async function suspectFiles(page: Page): Promise<string[]> {
  const files = await page.getByTestId('suspect-list').evaluate(async (list) => {
    const painted = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    const seen = new Map<number, string>();
    const read = (): void => {
      for (const row of list.querySelectorAll<HTMLElement>('[data-testid="suspect"]')) {
        seen.set(Number(row.dataset.index), row.querySelector('.file')?.textContent ?? '');
      }
    };
    list.scrollTop = 0;
    await painted();
    read();
    while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      list.scrollTop += list.clientHeight;
      await painted();
      read();
    }
    list.scrollTop = 0;
    await painted();
    return [...seen].sort((a, b) => a[0] - b[0]).map(([index, file]) => `${index}\t${file}`);
  });
  // Every row read once, none skipped.
  files.forEach((entry, k) => expect(entry.split('\t')[0]).toBe(String(k)));
  return files.map((entry) => entry.split('\t')[1] ?? '');
}

/** Moves the queue's cursor to row `index` with the arrow keys (the list scrolls it into view). */
export async function selectSuspect(page: Page, index: number): Promise<void> {
  const current = Number(await page.locator('[data-testid="suspect"][aria-current="true"]').getAttribute('data-index'));
  const key = index > current ? 'ArrowDown' : 'ArrowUp';
  for (let k = 0; k < Math.abs(index - current); k++) await page.keyboard.press(key);
  await expect(page.locator(`[data-testid="suspect"][data-index="${index}"]`)).toHaveAttribute('aria-current', 'true');
}
