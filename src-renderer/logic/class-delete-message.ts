import type { ClassInfo } from '../../src-shared/contract';

/**
 * What the delete does, truthfully: it is one undoable action. A name taken by a new class
 * before the undo is not shared: the class comes back renamed (ClassStore.restore).
 */
export function classDeleteMessage(cls: Pick<ClassInfo, 'name' | 'labelCount' | 'evaluationCount'>): string {
  const n = cls.labelCount;
  const evaluation = cls.evaluationCount;
  const back = 'Ctrl+Z brings the class back';
  const renamed = '(renamed, if a new class has taken its name by then)';
  const measured =
    evaluation > 0
      ? ` ${evaluation === n ? (n === 1 ? 'It is an evaluation image' : 'All of them are evaluation images') : `${evaluation} of them ${evaluation === 1 ? 'is an evaluation image' : 'are evaluation images'}`}: accuracy is measured on fewer images until ${evaluation === 1 ? 'it is' : 'they are'} labeled again.`
      : '';
  return n > 0
    ? `${n} image${n === 1 ? '' : 's'} labeled “${cls.name}” will become unlabeled.${measured} ${back} with its ${n} label${n === 1 ? '' : 's'} ${renamed}.`
    : `No image has this label, so no label is lost. ${back} ${renamed}.`;
}
