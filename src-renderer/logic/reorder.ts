/** Move the item at `index` by `delta` places (clamped); returns a new array. */
export function moveBy<T>(items: readonly T[], index: number, delta: number): T[] {
  const out = [...items];
  if (index < 0 || index >= out.length) return out;
  const target = Math.min(out.length - 1, Math.max(0, index + delta));
  const [item] = out.splice(index, 1);
  out.splice(target, 0, item as T);
  return out;
}
