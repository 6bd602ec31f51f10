import { SystemBindingData } from '../../support/functionsHost/bindingData';
import { resolveBindingExpression } from '../../support/functionsHost/bindingExpressions';
import { createQueueTriggerBindingData } from '../../support/functionsHost/queueTriggerBindingData';

const NOW = new Date('2026-11-23T10:05:07.089Z');
const GUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const builtIns = { now: () => NOW, newGuid: () => GUID };
const MESSAGE_TEXT = JSON.stringify({
  Name: 'alerts-1',
  count: 5,
  ratio: 0.25,
  flag: true,
  when: '2026-11-23T12:05:00+02:00',
  nested: { Region: 'westeurope', Depth: { Level: 2 } },
  list: [1, 2],
  nothing: null,
  Id: 'id-from-the-message',
});

function bindingDataFor(messageText: string) {
  return createQueueTriggerBindingData(
    {
      queueName: 'alerts',
      messageId: 'message-id-1',
      popReceipt: 'pop-receipt-1',
      dequeueCount: 2,
      insertedOn: new Date('2026-11-23T10:00:00Z'),
      expiresOn: new Date('2026-11-30T10:00:00Z'),
      nextVisibleOn: new Date('2026-11-23T10:15:00Z'),
      messageText,
    },
    new SystemBindingData(
      'copyAlerts',
      () => NOW,
      () => GUID,
    ),
  );
}

describe('resolveBindingExpression', () => {
  it.each([
    ['a plain path stays as it is', 'out/plain.json', 'out/plain.json'],
    ['a message property', 'out/{Name}.json', 'out/alerts-1.json'],
    ['names are case-insensitive', '{name}', 'alerts-1'],
    ['a number property as its JSON text', '{count}', '5'],
    ['a fractional number', '{ratio}', '0.25'],
    ['a boolean as .NET renders it', '{flag}', 'True'],
    ['an ISO date-time string as Newtonsoft re-renders it (host quirk)', '{when}', '11/23/2026 10:05:00'],
    ['a nested property by dotted lookup', '{nested.region}', 'westeurope'],
    ['a deeper nested property, any casing', '{Nested.DEPTH.level}', '2'],
    ['a nested object itself appends nothing', 'x{nested}y', 'xy'],
    ['a message property overrides the built-in of the same name', '{id}', 'id-from-the-message'],
    ['the built-in QueueTrigger is the message text', '{QueueTrigger}', MESSAGE_TEXT],
    ['DequeueCount', '{DequeueCount}', '2'],
    ['PopReceipt', '{popreceipt}', 'pop-receipt-1'],
    ['a DateTimeOffset built-in appends nothing, as in the host', 'at-{InsertionTime}', 'at-'],
    ['DateTime without a format', '{DateTime}', '2026-11-23T10-05-07Z'],
    ['DateTime with a path format', '{DateTime:yyyy/MM/dd/HH}', '2026/11/23/10'],
    ['DateTime with milliseconds', '{DateTime:HHmmssfff}', '100507089'],
    [
      'a dot in a DateTime format cuts it there, as the host parses it',
      '{datetime:yyyy-MM-ddTHH:mm:ss.fff}',
      '2026-11-23T10:05:07',
    ],
    ['DateTime with quoted literals', "{DateTime:yyyy'y'MM}", '2026y11'],
    ['another DateTime format cut at its dot', '{DateTime:yyyy.MM}', '2026'],
    ['rand-guid', 'blobs/{rand-guid}.json', `blobs/${GUID}.json`],
    ['rand-guid with a format', '{rand-guid:N}', '3f2504e04f8941d39a0c0305e82c3301'],
    ['sys.randguid', '{sys.randguid}', GUID],
    ['sys.utcnow with a format', '{sys.utcnow:yyyyMMdd}', '20261123'],
    ['sys.methodname', '{sys.MethodName}', 'copyAlerts'],
    ['doubled braces are literal braces', '{{literal}}/{name}', '{literal}/alerts-1'],
  ])('%s: %s → %s', (_behaviour, template, expected) => {
    expect(resolveBindingExpression(template, bindingDataFor(MESSAGE_TEXT), builtIns)).toBe(expected);
  });

  it.each([
    ['an unknown name', '{missing}', "No value for named parameter 'missing'."],
    [
      'a missing nested property',
      '{nested.absent}',
      "Error while accessing 'absent': property doesn't exist.",
    ],
    ['an array property (not in the binding data)', '{list}', "No value for named parameter 'list'."],
    ['a null property (not in the binding data)', '{nothing}', "No value for named parameter 'nothing'."],
    [
      'an unclosed brace',
      'out/{name',
      "Invalid template 'out/{name'. Missing closing bracket at position 5.",
    ],
    [
      'an unopened brace',
      'out/name}',
      "Invalid template 'out/name}'. Missing opening bracket at position 9.",
    ],
    ['empty braces', 'out/{}', "Invalid template 'out/{}'. The parameter name at position 5 is empty."],
    ['a dash in a name', '{a-b}', "Invalid template '{a-b}'. The parameter name 'a-b' is invalid."],
    [
      'a name starting with a digit',
      '{1abc}',
      "Invalid template '{1abc}'. Invalid template expression '1abc",
    ],
    [
      'a .NET format the simulator does not model',
      '{DateTime:zzz}',
      "The simulator does not model the .NET date format specifier 'z' (time zone / era).",
    ],
  ])('fails like the host for %s: %s', (_case, template, message) => {
    expect(() => resolveBindingExpression(template, bindingDataFor(MESSAGE_TEXT), builtIns)).toThrow(
      new Error(message),
    );
  });

  it('resolves only built-ins when the message is not JSON', () => {
    const bindingData = bindingDataFor('plain text');
    expect(resolveBindingExpression('{QueueTrigger}/{DequeueCount}', bindingData, builtIns)).toBe(
      'plain text/2',
    );
    expect(() => resolveBindingExpression('{name}', bindingData, builtIns)).toThrow(
      new Error("No value for named parameter 'name'."),
    );
  });
});
