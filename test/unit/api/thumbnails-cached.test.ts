/**
 * `images:thumbnailsCached`, the label view's question "what can be painted at once": the
 * images whose gallery thumbnail is cached, and of the others those whose JPEG carries an
 * embedded thumbnail; an image gone from the project is in neither. Each image is located in
 * the project once per question.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { forgetEmbeddedThumbnails, readMedia } from '../../../src-main/media/image-media';
import { cameraJpeg } from '../../support/camera-jpeg';
import { tempDir } from '../../support/image-folder';

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.close();
  workspace = null;
  forgetEmbeddedThumbnails();
});

const picture = (width: number, height: number, hue: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: hue, g: 255 - hue, b: 90 } } });

describe('images:thumbnailsCached', () => {
  it('answers the cached thumbnails and, of the others, the embedded ones, locating each image once', async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'cached.jpg'), await cameraJpeg(picture(300, 200, 10), 1, { withThumbnail: false }));
    fs.writeFileSync(path.join(root, 'camera.jpg'), await cameraJpeg(picture(300, 200, 120), 1));
    fs.writeFileSync(path.join(root, 'camera-cached.jpg'), await cameraJpeg(picture(300, 200, 200), 1));
    fs.writeFileSync(path.join(root, 'plain.png'), await picture(300, 200, 60).png().toBuffer());
    fs.writeFileSync(path.join(root, 'gone.jpg'), await cameraJpeg(picture(300, 200, 240), 1));
    workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
    await workspace.open(root, true);
    const project = workspace.requireProject();
    await project.rescan();
    const items = project.images.list({ kind: 'all' }, 0, 100).items;
    const id = (name: string) => items.find((item) => item.relPath === name)!.id;
    await readMedia(project, id('cached.jpg'), 'thumb');
    await readMedia(project, id('camera-cached.jpg'), 'thumb');
    fs.rmSync(path.join(root, 'gone.jpg'));
    await project.rescan();

    const asked = ['camera.jpg', 'gone.jpg', 'cached.jpg', 'plain.png', 'camera-cached.jpg'].map(id);
    const locate = vi.spyOn(project, 'locate');
    const answer = await dispatch(createHandlers(workspace), 'images:thumbnailsCached', { ids: asked }, () => {});
    expect(answer).toEqual({ ok: true, value: { ids: [id('cached.jpg'), id('camera-cached.jpg')], embedded: [id('camera.jpg')], unchecked: [] } });
    expect(locate.mock.calls.map(([asked]) => asked).sort()).toEqual([...asked].sort());
  });
});
