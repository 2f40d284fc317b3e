import type { Page } from '@playwright/test';

/** Collects page errors, console errors (with the URL of a failed load) and CSP violations; a test asserts the list stays empty. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' && !/Content Security Policy/i.test(message.text())) return;
    // A failed load names no URL in its text; its location does (the tokens cut off).
    const url = message.location().url.replace(/\?token=.*$/, '');
    problems.push(`console: ${message.text()}${url && !message.text().includes(url) ? ` (${url})` : ''}`);
  });
  return problems;
}
