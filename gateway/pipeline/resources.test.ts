import { describe, expect, it } from 'vitest';
import { Resources } from './resources.js';
import type { Stage } from './types.js';

/** The one stack every resource of the gateway joins: closed in reverse, once, whatever fails. */
describe('Resources', () => {
  it('closes what was opened in reverse order, once', async () => {
    const closed: string[] = [];
    const resources = new Resources();
    resources.open({ name: 'redis' }, (r) => void closed.push(r.name));
    resources.open(null, () => void closed.push('never: a feature turned off opens nothing'));
    await resources.stage({ name: 'lineage', close: () => void closed.push('lineage') });
    await resources.stage({ name: 'http' });
    resources.defer(() => void closed.push('listening flag'));
    await resources.close();
    await resources.close();
    expect(closed).toEqual(['listening flag', 'lineage', 'redis']);
    expect(resources.closed).toBe(true);
  });

  it.each([0, 1, 2, 3])(
    'a start failing at stage %i closes exactly the stages made before it, in reverse',
    async (failAt) => {
      const opened: string[] = [];
      const closed: string[] = [];
      const resources = new Resources();
      const make = (index: number) => async (): Promise<Stage> => {
        if (index === failAt) throw new Error(`stage ${index} failed`);
        opened.push(`stage-${index}`);
        return { name: `stage-${index}`, close: async () => void closed.push(`stage-${index}`) };
      };
      const start = async () => {
        for (const factory of [make(0), make(1), make(2), make(3)]) await resources.stage(factory());
      };
      await expect(start()).rejects.toThrow(`stage ${failAt} failed`);
      await resources.close();
      expect(opened).toHaveLength(failAt);
      expect(closed).toEqual([...opened].reverse());
    },
  );

  it('a close that throws does not keep the others open', async () => {
    const closed: string[] = [];
    const resources = new Resources();
    resources.open('first', () => void closed.push('first'));
    resources.open('broken', () => {
      throw new Error('cannot close');
    });
    resources.open('last', () => void closed.push('last'));
    await expect(resources.close()).rejects.toThrow('cannot close');
    expect(closed).toEqual(['last', 'first']);
  });
});
