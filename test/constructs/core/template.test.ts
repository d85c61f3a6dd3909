/**
 * The template notation of the shipped files (constructs/core/template.ts): the errors name the
 * template, and an asset is read once per process. The notation itself is tested with the VCL
 * (test/constructs/core/vcl.test.ts, renderVclTemplate).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readAsset, renderTemplate } from '../../../constructs/core/template';

describe('renderTemplate', () => {
  test('fills in values, lists and sections', () => {
    expect(renderTemplate('{{! note }}\n#!/bin/bash\nx={{x}}\n{{lines}}\n{{#on}}\nyes\n{{/on}}\n', { x: '1', lines: ['a', 'b'] }, { on: true })).toBe('#!/bin/bash\nx=1\na\nb\nyes\n');
  });

  test('a placeholder without a value fails, naming the template', () => {
    expect(() => renderTemplate('{{missing}}', {}, {}, 'assets/x.sh')).toThrow('assets/x.sh: no value for {{missing}}');
  });

  test('sections default to none', () => {
    expect(() => renderTemplate('{{#s}}x{{/s}}', {})).toThrow('template: no value for {{s}}');
  });
});

describe('readAsset', () => {
  test('reads a file once per process', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'asset-')), 'a.txt');
    fs.writeFileSync(file, 'first');
    expect(readAsset(file)).toBe('first');
    fs.writeFileSync(file, 'second');
    expect(readAsset(file)).toBe('first');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
