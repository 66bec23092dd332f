import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadCsvExamples, loadCsvSets } from '../../../runtime/data/csv';
import { DataError } from '../../../runtime/data/errors';
import { scratchDir } from './idx-files';

const space = (count: number) => ({ count, owner: 'models/m.ts (its last layer has 3 units)' });

describe('CSV data', () => {
  let dir: string;
  let n = 0;
  before(() => { dir = scratchDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  function write(text: string): string {
    const file = path.join(dir, `f${n++}.csv`);
    fs.writeFileSync(file, text);
    return file;
  }

  function oneLine(fn: () => unknown, message: string): void {
    assert.throws(fn, (err: unknown) => err instanceof DataError && !err.message.includes('\n') && err.message === message);
  }

  it('class names become indices in sorted order; features are the other columns in file order', () => {
    const train = write('b,species,a\n1,virginica,2\n3,setosa,4\n\n5,versicolor,6\n7,setosa,8\n');
    const test = write('b,species,a\n-1.5,versicolor,2e3\n');
    const sets = loadCsvSets({ train, test, label: 'species', classes: null }, space(3));
    assert.deepEqual(sets.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(Array.from(sets.train.labels), [2, 0, 1, 0]);
    assert.deepEqual(sets.train.inputShape, [2]);
    assert.deepEqual(Array.from(sets.train.x), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(sets.test.x), [-1.5, 2000]);
    assert.deepEqual(Array.from(sets.test.labels), [1]);
    assert.deepEqual(Object.keys(sets.hashes).sort(), ['test-csv', 'train-csv']);
  });

  it('integer labels are class indices as they are; `classes` fixes the order of names', () => {
    const train = write('label,x\n2,0\n0,1\n');
    const test = write('label,x\n1,0\n');
    assert.deepEqual(Array.from(loadCsvSets({ train, test, label: 'label', classes: null }, space(3)).train.labels), [2, 0]);
    const named = write('label,x\nno,0\nyes,1\n');
    const sets = loadCsvSets({ train: named, test: named, label: 'label', classes: ['yes', 'no'] }, space(3));
    assert.deepEqual(Array.from(sets.train.labels), [1, 0]);
  });

  it('a bad value names the file, the row (header = row 1) and the column', () => {
    const train = write('x,y,label\n1,2,0\n3,abc,1\n');
    oneLine(() => loadCsvSets({ train, test: train, label: 'label', classes: null }, space(3)), `${train}: row 3, column 'y': 'abc' is not a number`);
    const gap = write('x,y,label\n1,2,0\n\n3,abc,1\n');
    oneLine(() => loadCsvSets({ train: gap, test: gap, label: 'label', classes: null }, space(3)), `${gap}: row 4, column 'y': 'abc' is not a number`);
    const empty = write('x,y,label\n1,,0\n');
    oneLine(() => loadCsvSets({ train: empty, test: empty, label: 'label', classes: null }, space(3)), `${empty}: row 2, column 'y': '' is not a number`);
  });

  it('labels outside the model classes name the row, the label and the model', () => {
    const train = write('x,label\n1,0\n2,3\n');
    oneLine(() => loadCsvSets({ train, test: train, label: 'label', classes: null }, space(3)),
      `${train}: row 3, column 'label': label 3 is outside 0..2, the classes of models/m.ts (its last layer has 3 units)`);
    const names = write('x,label\n1,a\n2,b\n3,c\n4,d\n');
    oneLine(() => loadCsvSets({ train: names, test: names, label: 'label', classes: null }, space(3)),
      `${names}: row 5, column 'label': class 'd' (index 3 of a, b, c, d) is outside 0..2, the classes of models/m.ts (its last layer has 3 units)`);
  });

  it('names a test class the training file lacks, a class not in `classes`, a missing label column, a ragged row and other columns', () => {
    const train = write('x,label\n1,a\n2,b\n');
    const test = write('x,label\n1,c\n');
    oneLine(() => loadCsvSets({ train, test, label: 'label', classes: null }, space(3)), `${test}: row 2, column 'label': class 'c' does not occur in the training file ${train}`);
    oneLine(() => loadCsvSets({ train, test, label: 'label', classes: ['a', 'b'] }, space(3)), `${test}: row 2, column 'label': 'c' is not one of the classes (a, b)`);
    oneLine(() => loadCsvSets({ train, test, label: 'kind', classes: null }, space(3)), `${train}: row 1: no label column 'kind' in the header (columns: x, label)`);
    const ragged = write('x,y,label\n1,2,a\n3,a\n');
    assert.throws(() => loadCsvSets({ train: ragged, test: ragged, label: 'label', classes: null }, space(3)),
      (e: unknown) => e instanceof DataError && e.message.startsWith(`${ragged}: not a valid CSV file: `) && /line 3/.test(e.message) && !e.message.includes('\n'));
    const other = write('z,label\n1,a\n');
    oneLine(() => loadCsvSets({ train, test: other, label: 'label', classes: null }, space(3)), `${other}: its feature columns (z) differ from ${train}'s (x)`);
  });

  it('examples to predict skip the label column when present', () => {
    assert.deepEqual(Array.from(loadCsvExamples(write('a,label,b\n1,x,2\n'), 'label').x), [1, 2]);
    assert.deepEqual(loadCsvExamples(write('a,b\n1,2\n3,4\n'), 'label').inputShape, [2]);
  });
});
