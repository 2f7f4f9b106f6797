import { describe, expect, it } from '@jest/globals';
import { PageSeek } from './page-seek.js';

describe('PageSeek', () => {
  it('offers the nearest known row at or before the offset, never the first row', () => {
    const seek = new PageSeek();
    expect(seek.from('list', 100)).toBeNull();
    seek.learn('list', '5', 0, 'E0001', 'E0050', 50);
    expect(seek.from('list', 0)).toBeNull();
    expect(seek.from('list', 49)).toEqual({ offset: 49, value: 'E0050', stamp: '5' });
    expect(seek.from('list', 10)).toBeNull();
    seek.learn('list', '5', 100, 'E0101', 'E0150', 50);
    expect(seek.from('list', 120)).toEqual({ offset: 100, value: 'E0101', stamp: '5' });
    expect(seek.from('list', 99)).toEqual({ offset: 49, value: 'E0050', stamp: '5' });
    expect(seek.from('other', 120)).toBeNull();
  });

  it('forgets what it knew of a list once a read sees another stamp', () => {
    const seek = new PageSeek();
    seek.learn('list', '5', 100, 'E0101', 'E0150', 50);
    seek.learn('list', '6', 200, 'E0201', 'E0220', 20);
    expect(seek.from('list', 150)).toBeNull();
    expect(seek.from('list', 230)).toEqual({ offset: 219, value: 'E0220', stamp: '6' });
  });

  it('keeps a bounded number of lists and of rows per list', () => {
    const seek = new PageSeek(2, 4);
    seek.learn('a', '1', 10, 'a10', 'a19', 10);
    seek.learn('b', '1', 10, 'b10', 'b19', 10);
    seek.learn('c', '1', 10, 'c10', 'c19', 10);
    expect(seek.from('a', 15)).toBeNull();
    expect(seek.from('c', 15)).toEqual({ offset: 10, value: 'c10', stamp: '1' });
    seek.learn('c', '1', 30, 'c30', 'c39', 10);
    seek.learn('c', '1', 50, 'c50', 'c59', 10);
    expect(seek.from('c', 55)).toEqual({ offset: 39, value: 'c39', stamp: '1' });
  });

  it('reads from a known row, again from the top when the list moved on, and learns the page it got', async () => {
    const seek = new PageSeek();
    const calls: Array<number | null> = [];
    const rowsAt = (stamp: string, first: number) => (point: { offset: number } | null) => {
      calls.push(point?.offset ?? null);
      return Promise.resolve([first, first + 1].map((n) => ({ no: `E${n}`, list_stamp: stamp })));
    };
    const key = (r: { no: string }) => r.no;
    expect(await seek.read('list', 10, key, rowsAt('1', 10))).toHaveLength(2);
    expect(calls).toEqual([null]);
    await seek.read('list', 12, key, rowsAt('1', 12));
    expect(calls).toEqual([null, 11]);
    // The counter moved: the seek's answer is thrown away and the page read from the top.
    expect((await seek.read('list', 13, key, rowsAt('2', 13)))[0].no).toBe('E13');
    expect(calls).toEqual([null, 11, 13, null]);
    expect(seek.from('list', 14)).toEqual({ offset: 14, value: 'E14', stamp: '2' });
    // No key: never seeks, learns nothing.
    await seek.read(null, 14, key, rowsAt('2', 14));
    expect(calls.at(-1)).toBeNull();
  });
});
