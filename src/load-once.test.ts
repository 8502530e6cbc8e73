import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.js';

describe('loadOnce', () => {
  it('loads on the first use only and shares the result', async () => {
    let calls = 0;
    const get = loadOnce(async () => ++calls);
    expect(calls).toBe(0);
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    expect(await get()).toBe(1);
    expect(calls).toBe(1);
  });

  it('tries a failed load again on the next use', async () => {
    let calls = 0;
    const get = loadOnce(async () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('not yet');
    expect(await get()).toBe('loaded');
    expect(await get()).toBe('loaded');
    expect(calls).toBe(2);
  });
});
