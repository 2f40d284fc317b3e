/**
 * A duplicate group whose images carry different classes: the same picture (or nearly) taught
 * as two things, which the expert should settle (label the whole group one way).
 */
export interface Disagreement {
  /** Each class in the group with its image count, most first (ties by name). */
  classes: { name: string; count: number }[];
}

/** The classes of a group's labeled images when there are two or more; null when they agree. */
export function labelDisagreement(items: readonly { classId: number | null }[], nameOf: (classId: number) => string | undefined): Disagreement | null {
  const counts = new Map<number, number>();
  for (const { classId } of items) if (classId !== null) counts.set(classId, (counts.get(classId) ?? 0) + 1);
  if (counts.size < 2) return null;
  const classes = [...counts].map(([id, count]) => ({ name: nameOf(id) ?? 'deleted class', count }));
  classes.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { classes };
}

/** The group's notice: "Labels disagree: 2 “eosinophil”, 1 “basophil”". */
export const disagreementText = (d: Disagreement): string => `Labels disagree: ${d.classes.map((c) => `${c.count} “${c.name}”`).join(', ')}`;
