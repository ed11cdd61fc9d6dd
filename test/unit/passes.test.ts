import { describe, expect, it } from 'vitest';
import { passesOf } from '../../server/background/passes.ts';

/** A pass that waits until the test lets it finish. */
function gatedPass() {
  let runs = 0;
  let release: (() => void) | null = null;
  const pass = () =>
    new Promise<void>((resolve) => {
      runs++;
      release = resolve;
    });
  return { pass, runs: () => runs, finish: () => release?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('passes over due work', () => {
  it('runs one pass at a time, and one more after it however many wakes came meanwhile', async () => {
    const gate = gatedPass();
    const passes = passesOf(gate.pass, () => undefined);
    passes.wake();
    passes.wake();
    passes.wake();
    expect(gate.runs()).toBe(1);
    gate.finish();
    await tick();
    expect(gate.runs()).toBe(2);
    gate.finish();
    await tick();
    expect(gate.runs()).toBe(2);
  });

  it('reports a failing pass and runs again on the next wake', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const passes = passesOf(async () => {
      calls++;
      if (calls === 1) throw new Error('database busy');
    }, (err) => errors.push(err));
    passes.wake();
    await tick();
    expect(errors).toEqual([new Error('database busy')]);
    passes.wake();
    await tick();
    expect(calls).toBe(2);
  });

  it('waits for the running pass on stop and starts none after it', async () => {
    const gate = gatedPass();
    const passes = passesOf(gate.pass, () => undefined);
    passes.wake();
    passes.wake(); // would ask for another pass
    let stopped = false;
    const stopping = passes.stop().then(() => (stopped = true));
    expect(passes.stopping).toBe(true);
    await tick();
    expect(stopped).toBe(false);
    gate.finish();
    await stopping;
    passes.wake();
    await tick();
    expect(gate.runs()).toBe(1);
  });
});
