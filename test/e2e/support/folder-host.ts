import { test } from '@playwright/test';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeImageFolder } from './image-folder';
import { ROOT } from './paths';
import { startWebHost, type RunningHost } from './web-host';

/**
 * A spec's web host and image folder of `count` images (made by `make`), started before its tests and removed
 * after them (registers the beforeAll/afterAll hooks; read the fields inside a test).
 */
export function hostWithImageFolder(
  count: number,
  prefix: string,
  make: (count: number, prefix: string) => Promise<string> = makeImageFolder,
): { readonly host: RunningHost; readonly folder: string } {
  let host: RunningHost | undefined;
  let folder: string | undefined;
  let stateDir: string | undefined;
  test.beforeAll(async () => {
    folder = await make(count, prefix);
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'adma-e2e-state-'));
    host = await startWebHost(ROOT, stateDir);
  });
  test.afterAll(async () => {
    await host?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });
  return {
    get host(): RunningHost {
      if (!host) throw new Error('the web host is not started (read it inside a test)');
      return host;
    },
    get folder(): string {
      if (!folder) throw new Error('the image folder is not made (read it inside a test)');
      return folder;
    },
  };
}
