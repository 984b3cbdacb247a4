import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';

/** Removes the run's temporary data directory (and nothing outside the temp dir). */
export default function globalTeardown(): void {
  const dir = process.env.IDEENMARKT_E2E_DATA_DIR;
  if (!dir) return;
  const abs = resolve(dir);
  if (dirname(abs) === resolve(tmpdir()) && basename(abs).startsWith('ideenmarkt-e2e-')) {
    rmSync(abs, { recursive: true, force: true });
  }
}
