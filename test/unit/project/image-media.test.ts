import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { readMedia } from '../../../src-main/media/image-media';
import { Project } from '../../../src-main/project/project';
import { tempDir, writeImage } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

describe('images served by id', () => {
  it('respects EXIF orientation in the index, the full view and the thumbnail', async () => {
    const root = tempDir();
    // 80 wide x 40 high as stored, tagged "rotate 90° clockwise to display" (orientation 6)
    await sharp({ create: { width: 80, height: 40, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(path.join(root, 'rotated.jpg'));
    await writeImage(path.join(root, 'plain.png'), 3, 'png', 30);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const items = project.images.list({ kind: 'all' }, 0, 10).items;
    const rotated = items.find((i) => i.relPath === 'rotated.jpg')!;
    expect([rotated.width, rotated.height]).toEqual([40, 80]);

    const full = await readMedia(project, rotated.id, 'full');
    expect(full.contentType).toBe('image/png');
    const fullMeta = await sharp(full.body).metadata();
    expect([fullMeta.width, fullMeta.height]).toEqual([40, 80]);

    const thumb = await readMedia(project, rotated.id, 'thumb');
    expect(thumb.contentType).toBe('image/webp');
    const thumbMeta = await sharp(thumb.body).metadata();
    expect(thumbMeta.height!).toBeGreaterThan(thumbMeta.width!);
    expect(fs.readdirSync(path.join(project.adminDir, 'thumbs')).some((f) => f.startsWith(rotated.hash))).toBe(true);

    // an upright PNG is served as its own bytes
    const plain = items.find((i) => i.relPath === 'plain.png')!;
    const original = await readMedia(project, plain.id, 'full');
    expect(original.contentType).toBe('image/png');
    expect(original.body.equals(fs.readFileSync(path.join(root, 'plain.png')))).toBe(true);
  });
});

describe('screen-sized renditions', () => {
  it('serves a cached, EXIF-rotated JPEG no larger than the rendition edge, and small images as they are', async () => {
    const { answerMedia } = await import('../../../src-main/media/media-request');
    const root = tempDir();
    // 3000 wide x 1500 high as stored, displayed rotated (orientation 6): 1500 x 3000.
    await sharp({ create: { width: 3000, height: 1500, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(path.join(root, 'big.jpg'));
    await writeImage(path.join(root, 'small.png'), 5, 'png', 64);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const items = project.images.list({ kind: 'all' }, 0, 10).items;
    const big = items.find((i) => i.relPath === 'big.jpg')!;
    const small = items.find((i) => i.relPath === 'small.png')!;

    const rendition = await readMedia(project, big.id, 'screen1280');
    expect(rendition.contentType).toBe('image/jpeg');
    const meta = await sharp(rendition.body).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([640, 1280, 1]);
    expect(fs.readdirSync(path.join(project.adminDir, 'renditions'))).toEqual([`${big.hash}-1280.jpg`]);
    // The rendition's decode gave the thumbnail too (rotated as well): asking for it renders nothing.
    const thumbPath = path.join(project.adminDir, 'thumbs', `${big.hash}-256.webp`);
    const derived = fs.readFileSync(thumbPath);
    expect((await sharp(derived).metadata()) as object).toMatchObject({ width: 128, height: 256, format: 'webp' });
    expect((await readMedia(project, big.id, 'thumb')).body.equals(derived)).toBe(true);
    // A larger edge is its own cache entry; the original stays available.
    expect((await sharp((await readMedia(project, big.id, 'screen1920')).body).metadata()).height).toBe(1920);
    expect((await readMedia(project, big.id, 'full')).contentType).toBe('image/png');

    const smallAnswer = await readMedia(project, small.id, 'screen1280');
    expect(smallAnswer.body.equals(fs.readFileSync(path.join(root, 'small.png')))).toBe(true);

    const ok = await answerMedia(project, `${big.id}/screen2560`);
    expect([ok.status, ok.headers['Content-Type'], ok.headers.ETag]).toEqual([200, 'image/jpeg', `"${big.hash}-screen2560"`]);
    expect((await answerMedia(project, `${big.id}/screen1000`)).status).toBe(404);
  });

  it('a thumbnail asked for while the rendition of its image renders comes from that decode, not a second one', async () => {
    const root = tempDir();
    await sharp({ create: { width: 2600, height: 1800, channels: 3, background: '#335577' } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2600" height="1800"><circle cx="900" cy="700" r="500" fill="#e94"/></svg>') }])
      .jpeg()
      .toFile(path.join(root, 'big.jpg'));
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const big = project.images.list({ kind: 'all' }, 0, 10).items[0]!;
    // What a render of its own (from the file) would give:
    const own = await sharp(path.join(root, 'big.jpg')).rotate().resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();

    const [, thumb] = await Promise.all([readMedia(project, big.id, 'screen1280'), readMedia(project, big.id, 'thumb')]);
    expect(thumb.body.equals(own)).toBe(false);
    expect(thumb.body.equals(fs.readFileSync(path.join(project.adminDir, 'thumbs', `${big.hash}-256.webp`)))).toBe(true);
    expect((await sharp(thumb.body).metadata()) as object).toMatchObject({ width: 256, height: 177 });
  });
});
