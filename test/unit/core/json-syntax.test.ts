import { describe, expect, it } from 'vitest';
import { jsonSyntaxFault, notValidJson } from '../../../src-main/core/json-syntax';

describe('where a text stops being JSON', () => {
  it('finds nothing in JSON', () => {
    for (const text of ['{}', ' [] ', '{"a":[1,-2.5e3,{"b":null}],"c":"x\\u00e9\\n","d":true}', '"s"', '0']) expect(jsonSyntaxFault(text)).toBeNull();
  });

  it('says the line, the column and what was expected there', () => {
    expect(jsonSyntaxFault('{\n  "a": 1,\n  "b": }')).toBe("at line 3, column 8: expected a value (an object, array, string, number, true, false or null) but found '}'");
    expect(jsonSyntaxFault('[1 2]')).toBe("at line 1, column 4: expected ',' or ']' but found '2'");
    expect(jsonSyntaxFault('{"a" 1}')).toBe("at line 1, column 6: expected ':' after the property name but found '1'");
    expect(jsonSyntaxFault('{"a":1}}')).toBe("at line 1, column 8: expected the end of the text after the value but found '}'");
    expect(jsonSyntaxFault('[1,]')).toMatch(/^at line 1, column 4: expected a value .* but found ']'$/);
    expect(jsonSyntaxFault('["a\tb"]')).toMatch(/^at line 1, column 4: expected a character of the string .* but found U\+0009$/);
  });

  it('a text cut short: where it ends', () => {
    expect(jsonSyntaxFault('{"weightsManifest": [{"paths": ["group1-shard1of1"], "weig')).toBe("at line 1, column 59: expected the string's closing quote but the text ends there");
    expect(jsonSyntaxFault('{"a": 1,\n')).toBe('at line 2, column 1: expected a property name in double quotes but the text ends there');
    expect(jsonSyntaxFault('')).toMatch(/^at line 1, column 1: expected a value .* but the text ends there$/);
  });

  it('a deep nesting is scanned without recursion', () => {
    expect(jsonSyntaxFault('['.repeat(200_000))).toMatch(/^at line 1, column 200001: expected a value/);
  });

  it('agrees with JSON.parse on what is JSON', () => {
    for (const text of ['{"a":01}', '[.5]', '[1.]', '{"a":tru}', "{'a':1}", '[1e]', '["\\x"]', 'nul', '-', '[-0.0e-0]']) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(jsonSyntaxFault(text) === null, text).toBe(parses);
    }
  });

  it('notValidJson names the file and the place', () => {
    const text = '{"a": ';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(notValidJson('/m/model.json', text, error)).toMatch(/^\/m\/model\.json is not valid JSON: at line 1, column 7: expected a value .* but the text ends there\.$/);
  });
});
