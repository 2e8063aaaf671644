/**
 * Whole numbers kept unboxed. V8 stores an object field as a small integer (in the pointer
 * itself) only while every value stored in it is one; a number that arrives as a double (a
 * Stats field, a Float64Array element, Math.floor's result) turns the field into a boxed
 * double for every object of that shape: 16 more bytes per field and per entry, at 100k
 * entries and seven such fields about 11 MB. Pure; never throws.
 */

/** `v` as an int32 when it is a whole number in that range (an epoch second until 2038), else `v`. */
export function smallInt(v: number): number {
  const i = v | 0;
  return i === v ? i : v;
}
