/**
 * The gallery follows a new model or new evaluation images only while it is shown: hidden, it
 * sends nothing for them and reloads once when shown again (however many arrived meanwhile);
 * shown again with nothing new, it reloads nothing. The stores run against the real handlers.
 */
import { describe, expect, it } from 'vitest';
import { openView, showView } from '../../../src-renderer/orchestration/navigation';
import { refreshesIdle } from '../../../src-renderer/orchestration/project-lifecycle';
import { gallery } from '../../../src-renderer/stores/gallery.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import type { Channel } from '../../../src-shared/contract';
import { useScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const sent: Channel[] = [];
/** Events delivered to the page so far (each asynchronously, as the shells do). */
let delivered = 0;
const opened = useScannedProject(6, sent, () => delivered++);

/** The back end announces `change`; resolves once the page has handled it and its refreshes ran. */
async function announce(change: 'model' | 'evaluation'): Promise<void> {
  const before = delivered;
  opened.ws.events.emit('project:changed', { change });
  await until(() => delivered > before);
  await until(refreshesIdle);
}

const lists = (): number => sent.filter((c) => c === 'images:list').length;


describe('the gallery reloads for a new model or evaluation set only while shown', () => {
  it('loads when first shown, follows events while shown, and only once after events while hidden', async () => {
    showView('gallery');
    await until(() => gallery.loaded && !gallery.loading);
    expect(gallery.total).toBe(6);

    // Shown: each event reloads it.
    sent.length = 0;
    await announce('model');
    expect(lists()).toBe(1);
    await announce('evaluation');
    expect(lists()).toBe(2);

    // Hidden (the label view): nothing is sent for the gallery, however many events come.
    showView('label');
    expect(ui.view).toBe('label');
    sent.length = 0;
    await announce('model');
    await announce('evaluation');
    await announce('model');
    expect(lists()).toBe(0);

    // Shown again: one reload, at once.
    showView('gallery');
    await until(() => lists() === 1 && !gallery.loading);
    await until(refreshesIdle);
    expect(lists()).toBe(1);

    // Hidden and shown again with nothing new: nothing reloaded (openView resolves once the
    // view has loaded what it shows, so a reload would have been sent by then).
    showView('label');
    await openView('gallery');
    expect(ui.view).toBe('gallery');
    expect(lists()).toBe(1);
  });
});
