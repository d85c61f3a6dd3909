import { pascalCase } from '../../constructs/core/names';

describe('pascalCase', () => {
  test('capitalises each hyphen-separated part and joins them', () => {
    expect(pascalCase('private-files')).toBe('PrivateFiles');
    expect(pascalCase('php-fpm')).toBe('PhpFpm');
  });

  test('a single word only gets its first letter capitalised', () => {
    expect(pascalCase('slowquery')).toBe('Slowquery');
    expect(pascalCase('db')).toBe('Db');
  });
});
