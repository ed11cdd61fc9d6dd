// The layering the README's "How the code is laid out" describes, checked on the import graph
// (type-only imports included: a type import still ties two modules together).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const folders = ['common', 'server', 'db', 'electron', 'renderer/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const specifier = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every module and the repository files it imports (relative paths from the root). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((f) => sourceFiles(join(root, f)))) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? '';
      if (spec.startsWith('.')) targets.push(relative(root, resolve(dirname(file), spec)));
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

const graph = importGraph();
const under = (path: string, ...prefixes: string[]) => prefixes.some((p) => path.startsWith(p));

function violations(from: string[], forbidden: string[], allowed: (file: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!under(file, ...from) || allowed(file)) continue;
    for (const target of targets) if (under(target, ...forbidden)) out.push(`${file} → ${target}`);
  }
  return out;
}

describe('module layering', () => {
  it('has no import cycles', () => {
    // Tarjan's strongly connected components: any component of two or more modules is a cycle.
    let index = 0;
    const stack: string[] = [];
    const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
    const cycles: string[][] = [];
    const visit = (node: string) => {
      meta.set(node, { index, low: index, onStack: true });
      index++;
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (!graph.has(next)) continue;
        const seen = meta.get(next);
        if (!seen) {
          visit(next);
          meta.get(node)!.low = Math.min(meta.get(node)!.low, meta.get(next)!.low);
        } else if (seen.onStack) {
          meta.get(node)!.low = Math.min(meta.get(node)!.low, seen.index);
        }
      }
      const m = meta.get(node)!;
      if (m.low === m.index) {
        const component: string[] = [];
        let top: string;
        do {
          top = stack.pop()!;
          meta.get(top)!.onStack = false;
          component.push(top);
        } while (top !== node);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const node of graph.keys()) if (!meta.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('keeps the domain and background work free of HTTP', () => {
    const http = ['server/http/', 'server/routes/', 'server/app.ts'];
    expect(violations(['server/domain/', 'server/background/', 'server/core/', 'server/metrics/', 'server/deps.ts', 'db/', 'common/'], http)).toEqual([]);
  });

  it('keeps the domain from depending on background work', () => {
    expect(violations(['server/domain/', 'server/core/', 'db/', 'common/'], ['server/background/'])).toEqual([]);
  });

  it('keeps common/ pure: no server, database, desktop or UI code', () => {
    expect(violations(['common/'], ['server/', 'db/', 'electron/', 'renderer/'])).toEqual([]);
  });

  it('lets the renderer reach outside itself only for the contract and the shared rules', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('renderer/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('renderer/')).map((t) => `${file} → ${t}`))
      .filter((edge) => !/→ common\/(contract\/index\.ts|rules\/[\w]+\.ts)$/.test(edge));
    expect(outside).toEqual([]);
  });
});
