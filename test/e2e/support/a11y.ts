import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

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

/** One state a button was seen in: its text, its aria-disabled, and whether it had the focus. */
export interface ButtonState {
  text: string;
  ariaDisabled: string | null;
  focused: boolean;
}

/**
 * Records every state the button passes through from now on (its text, aria-disabled and focus,
 * at each change of its subtree or attributes), so that a state too short for polling to see
 * (training two labels can take less than a poll) is still checked; the returned function reads
 * the states seen so far, the first being the state at the start.
 */
export async function recordButtonStates(button: Locator): Promise<() => Promise<ButtonState[]>> {
  await button.evaluate((el) => {
    const seen: ButtonState[] = [];
    const note = () => {
      const state = { text: el.textContent?.trim() ?? '', ariaDisabled: el.getAttribute('aria-disabled'), focused: document.activeElement === el };
      const last = seen[seen.length - 1];
      if (!last || last.text !== state.text || last.ariaDisabled !== state.ariaDisabled || last.focused !== state.focused) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
    el.addEventListener('blur', () => queueMicrotask(note));
    (el as HTMLElement & { __states?: ButtonState[] }).__states = seen;
  });
  return () => button.evaluate((el) => [...((el as HTMLElement & { __states?: ButtonState[] }).__states ?? [])]);
}
