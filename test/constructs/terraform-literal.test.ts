import { terraformLiteral } from '../../constructs/core/terraform-literal';

describe('terraformLiteral', () => {
  test('escapes interpolations and directives, nothing else', () => {
    expect(terraformLiteral('a=${3:-} b=%{http_code} c=$HOME d=100% e=$${x}')).toBe('a=$${3:-} b=%%{http_code} c=$HOME d=100% e=$$${x}');
  });
});
