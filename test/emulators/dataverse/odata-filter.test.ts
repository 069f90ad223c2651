import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataverseFault } from '../../../src/emulators/dataverse/api-types.js';
import { evaluate, parseFilter } from '../../../src/emulators/dataverse/odata-filter.js';

const row = {
  contactid: '5f0c4a9e-7b1d-4c2e-9f3a-1b2c3d4e5f60',
  lastname: "O'Neill",
  firstname: null,
  numberofchildren: 3,
  donotbulkemail: false,
  birthdate: '1984-02-29',
  modifiedon: '2026-01-01T10:00:00Z',
  _parentcustomerid_value: '11111111-2222-4333-8444-555555555555',
};
const matches = (filter: string) => evaluate(parseFilter(filter), row);

test('literals of every kind compare against their columns', () => {
  assert.ok(matches("lastname eq 'o''neill'"), "'' escapes a quote; comparison ignores case");
  assert.ok(matches('firstname eq null and lastname ne null'));
  assert.ok(matches('numberofchildren gt 2 and numberofchildren le 3'));
  assert.ok(matches('donotbulkemail eq false'));
  assert.ok(matches('birthdate ge 1984-02-29 and birthdate lt 1984-03-01'));
  assert.ok(matches('modifiedon gt 2025-12-31T23:59:59Z'));
  assert.ok(matches('_parentcustomerid_value eq 11111111-2222-4333-8444-555555555555'));
  assert.ok(!matches('numberofchildren lt null'), 'ordering against null is never true');
});

test('precedence: not binds tighter than and, and tighter than or; parentheses override', () => {
  assert.ok(matches("lastname eq 'x' or numberofchildren eq 3 and donotbulkemail eq false"));
  assert.ok(!matches("(lastname eq 'x' or numberofchildren eq 3) and donotbulkemail eq true"));
  assert.ok(matches("not lastname eq 'x' and not (numberofchildren eq 1)"));
  assert.ok(
    matches("contains(lastname,'NEIL') and endswith(lastname,'ill') and not startswith(lastname,'x')"),
  );
});

test('syntax errors and unknown columns are faults with the service messages', () => {
  const faultOf = (filter: string) => {
    try {
      parseFilter(filter);
    } catch (error) {
      assert.ok(error instanceof DataverseFault);
      return `${error.status} ${error.message}`;
    }
    return 'no fault';
  };
  assert.equal(
    faultOf('shoesize eq 1'),
    "400 Could not find a property named 'shoesize' on type 'Microsoft.Dynamics.CRM.contact'.",
  );
  assert.equal(faultOf('lastname eq'), "400 Syntax error at position 11 in 'lastname eq'.");
  assert.equal(faultOf("(lastname eq 'a'"), "400 Syntax error at position 16 in '(lastname eq 'a''.");
  assert.match(faultOf('donotbulkemail eq 1'), /incompatible types.*'Edm\.Boolean' and 'Edm\.Int32'/);
});
