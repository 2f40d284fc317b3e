/**
 * An import source the request names must be a regular file of a sane size: a FIFO named
 * metadata.csv blocked the whole host (readFileSync waiting for a writer), /dev/zero read until
 * std::bad_alloc. Each is refused at once with a message naming the file (user-file.ts).
 *
 * A writer opens each FIFO after 30 s, so that the old code's blocking read ends (and the test
 * fails on its content) instead of hanging the test process; the new code never waits for it.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFile, importLabelsCsv } from '../../../src-main/adaptation/labels-import';
import { MAX_LABELS_FILE_BYTES, readUserText } from '../../../src-main/core/user-file';
import type { Project } from '../../../src-main/project/project';
import { appErrorOf } from '../../support/error-of';
import { fifoWithLateWriter } from '../../support/fifo';
import { tempDir } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const linux = process.platform === 'linux';
const opened: Project[] = [];
const writers: ChildProcess[] = [];

afterEach(async () => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
  for (const p of opened.splice(0)) await p.close();
});

const fifo = (file: string): string => fifoWithLateWriter(file, writers);

/** Refused as not a file (a read would have waited for the writer, or never ended). */
async function refusedAtOnce(run: Promise<unknown>): Promise<string> {
  const error = await appErrorOf(run);
  expect(error.code).toBe('BAD_ARGUMENT');
  return error.message;
}

describe.skipIf(!linux)('an import source that is not a regular file', () => {
  it('refuses a FIFO as a labels CSV (Labels → Import CSV and Labels → Import)', async () => {
    const { project } = await scannedProject(2, opened);
    const file = fifo(path.join(tempDir(), 'labels.csv'));
    expect(await refusedAtOnce(importLabelsCsv(project, file, true))).toBe(
      `${file} is a named pipe (FIFO), not a file: a labels or predictions file must be a regular file: choose the file itself.`,
    );
    expect(await refusedAtOnce(importFile(project, file, 'labels', true))).toMatch(/named pipe \(FIFO\)/);
    expect(await refusedAtOnce(importFile(project, file, 'suggestions', false))).toMatch(/named pipe \(FIFO\)/);
  });

  it('refuses a FIFO named metadata.csv in a Hugging Face folder', async () => {
    const { project } = await scannedProject(2, opened);
    const folder = tempDir();
    const file = fifo(path.join(folder, 'metadata.csv'));
    expect(await refusedAtOnce(importFile(project, folder, 'labels', true))).toContain(`${file} is a named pipe (FIFO), not a file`);
  });

  it('refuses /dev/zero, a device that reads without end', async () => {
    const { project } = await scannedProject(2, opened);
    expect(await refusedAtOnce(importFile(project, '/dev/zero', 'labels', true))).toBe(
      '/dev/zero is a device, not a file: a labels or predictions file must be a regular file: choose the file itself.',
    );
  });
});

describe('an import source too large to read', () => {
  it('refuses a labels file over 512 MB from its size, before reading a byte', async () => {
    const file = path.join(tempDir(), 'huge.csv');
    fs.writeFileSync(file, 'path,class\n');
    fs.truncateSync(file, 600 * 1024 * 1024); // sparse: no disk used
    try {
      const error = await appErrorOf(readUserText(file, { what: 'a labels or predictions file', maxBytes: MAX_LABELS_FILE_BYTES }));
      expect(error.message).toBe(
        `${file} holds 600 MB, more than the 512 MB ADMA Studio reads as a labels or predictions file. Check that it is the right file, or split it.`,
      );
      const { project } = await scannedProject(2, opened);
      expect(await refusedAtOnce(importFile(project, file, 'labels', true))).toMatch(/more than the 512 MB/);
    } finally {
      fs.rmSync(file);
    }
  });

  it('still reads a regular file within the limit', async () => {
    const file = path.join(tempDir(), 'labels.csv');
    fs.writeFileSync(file, 'path,class\nimg-0000.png,ant\n');
    expect(await readUserText(file, { what: 'a labels file', maxBytes: 1024 })).toBe('path,class\nimg-0000.png,ant\n');
    const { project } = await scannedProject(2, opened);
    expect(await importLabelsCsv(project, file, true)).toMatchObject({ labeled: 1, createdClasses: ['ant'] });
  });
});
