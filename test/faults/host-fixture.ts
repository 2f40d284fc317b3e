/** A web host over a freshly scanned project of small images, for the fault scripts. */
import fs from 'node:fs';
import path from 'node:path';
import { Workspace } from '../../src-main/api/workspace';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { imageFolder, tempDir } from '../support/image-folder';

export interface HostFixture {
  host: WebHost;
  workspace: Workspace;
  port: number;
  projectDir: string;
  /** What the host logged. */
  logs: string[];
  imageIds(): number[];
  close(): Promise<void>;
}

export async function hostWithProject(images: number): Promise<HostFixture> {
  const rendererDir = tempDir('adma-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ADMA Studio</title>');
  const projectDir = await imageFolder(images);
  const logs: string[] = [];
  const workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: (m) => logs.push(m) });
  await workspace.open(projectDir, true);
  await workspace.rescan();
  const host = await startWebHost({ workspace, rendererDir });
  return {
    host,
    workspace,
    port: Number(new URL(host.origin).port),
    projectDir,
    logs,
    imageIds: () => workspace.current!.images.list({ kind: 'all' }, 0, images).items.map((i) => i.id),
    close: async () => {
      await host.close();
      await workspace.close();
    },
  };
}
