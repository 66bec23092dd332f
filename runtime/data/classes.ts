// The classes a model tells apart, checked against the labels of its data: a label outside
// them is one line naming the data file and the label, and the model that sets the classes.

import { DataError } from './errors';

/** Class indices 0..count-1; `owner` says where the count comes from (a model file and its last layer), for messages. */
export interface ClassSpace {
  readonly count: number;
  readonly owner: string | null;
}

/** A bare count (what a test or a loader's default gives) as a ClassSpace. */
export function classSpace(classes: number | ClassSpace): ClassSpace {
  return typeof classes === 'number' ? { count: classes, owner: null } : classes;
}

/** `file: <what> is outside 0..k-1, the classes of <owner>`. */
export function outsideClasses(file: string, what: string, space: ClassSpace): DataError {
  const owner = space.owner === null ? '' : `, the classes of ${space.owner}`;
  return new DataError(file, `${what} is outside 0..${space.count - 1}${owner}`);
}
