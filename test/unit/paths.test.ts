import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../server/core/paths.ts';

describe('packageRoot', () => {
  it('finds the same root from the sources and from the bundle', () => {
    const root = process.cwd();
    expect(packageRoot(join(root, 'server', 'paths.ts'))).toBe(root);
    expect(packageRoot(join(root, 'dist', 'server', 'cli.js'))).toBe(root);
    expect(packageRoot()).toBe(root);
  });
});
