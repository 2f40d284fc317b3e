import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The window of a 1366 × 768 screen zoomed to 200 %: 683 × 384 CSS pixels, two device pixels each. */
export const ZOOMED = { viewport: { width: 683, height: 384 }, deviceScaleFactor: 2 } as const;

/** What the screen-reader live region (LiveAnnouncer) says now. */
export const announcer = (page: Page) => page.getByTestId('announcer');

/** Polls until the live region says `text` (the newest message only is kept). */
export async function expectAnnounced(page: Page, text: string | RegExp): Promise<void> {
  await expect(announcer(page)).toHaveText(text);
}

/**
 * The axe-core violations (WCAG 2 A and AA rules) inside the elements matched by `include`, as
 * "rule: target" lines (an empty list: none).
 */
export async function axeViolations(page: Page, include: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(include).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim() ?? ''})`));
}

/** The element with the focus, described (tag, name, test id), or "body" when the focus is lost. */
export function focusedDescription(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? ` "${el.getAttribute('aria-label')}"` : ''}${el.id ? `#${el.id}` : ''}`;
  });
}
