import path from 'node:path';
import { makeImageFolder } from './image-folder';
import { webHostForSpec, type HostOptions, type SpecHost } from './web-host';

/**
 * A spec's web host (see `webHostForSpec`, named by `prefix`) and an image folder of `count`
 * images inside its work folder, made by `make` (given an absolute folder prefix) before the
 * host starts, removed with the work folder after the tests. Read the fields inside a test.
 */
export function hostWithImageFolder(
  count: number,
  prefix: string,
  make: (count: number, prefix: string) => Promise<string> = makeImageFolder,
  options: HostOptions = {},
): SpecHost & { readonly folder: string } {
  let folder = '';
  const spec = webHostForSpec(
    prefix,
    async (work) => {
      folder = await make(count, path.join(work, 'images-'));
    },
    options,
  );
  return {
    get host() {
      return spec.host;
    },
    get work() {
      return spec.work;
    },
    get folder(): string {
      if (!folder) throw new Error('the image folder is not made (read it inside a test)');
      return folder;
    },
  };
}
