import { describe, expect, it } from 'vitest';
import { addToBucket, emptyBucketSums } from '../../models/bucket-sums.js';

describe('bucket sums', () => {
  it('sums weighted values and their weights per bucket, a weight of 1 by default', () => {
    const b = emptyBucketSums(3);
    addToBucket(b, 0, 2);
    addToBucket(b, 0, 4);
    addToBucket(b, 2, 10, 0.5);
    addToBucket(b, 2, 2, 1.5);
    expect(Array.from(b.sum)).toEqual([6, 0, 8]);
    expect(Array.from(b.weight)).toEqual([2, 0, 2]);
  });
});
