/**
 * The ring buffer under the trends: bounded (size never exceeds capacity, however many
 * pushes), wraps (the oldest go first, order kept), and refuses a capacity that is no size.
 */
import { expect, test } from 'vitest';
import { RingBuffer } from '../../src/store/ring-buffer.js';

test('fills in order, then wraps: the oldest is overwritten and order is kept', () => {
  const ring = new RingBuffer<number>(3);
  expect(ring.toArray()).toEqual([]);
  expect(ring.last()).toBeUndefined();
  ring.push(1);
  ring.push(2);
  expect(ring.toArray()).toEqual([1, 2]);
  expect(ring.size).toBe(2);
  ring.push(3);
  ring.push(4);
  expect(ring.toArray()).toEqual([2, 3, 4]);
  expect(ring.at(0)).toBe(2);
  expect(ring.last()).toBe(4);
  expect(ring.at(3)).toBeUndefined();
  expect(ring.at(-1)).toBeUndefined();
  ring.push(5);
  ring.push(6);
  ring.push(7);
  expect(ring.toArray()).toEqual([5, 6, 7]);
});

test('bounded: a million pushes keep capacity items, the newest ones', () => {
  const ring = new RingBuffer<number>(60);
  for (let i = 0; i < 1_000_000; i++) ring.push(i);
  expect(ring.size).toBe(60);
  const items = ring.toArray();
  expect(items).toHaveLength(60);
  expect(items[0]).toBe(1_000_000 - 60);
  expect(items[59]).toBe(999_999);
});

test('clear empties it; a capacity that is not a positive integer is a bug', () => {
  const ring = new RingBuffer<string>(2);
  ring.push('a');
  ring.push('b');
  ring.push('c');
  ring.clear();
  expect(ring.size).toBe(0);
  ring.push('d');
  expect(ring.toArray()).toEqual(['d']);
  expect(() => new RingBuffer(0)).toThrow(RangeError);
  expect(() => new RingBuffer(2.5)).toThrow(RangeError);
});
