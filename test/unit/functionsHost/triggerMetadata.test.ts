import { SystemBindingData } from '../../support/functionsHost/bindingData';
import { createQueueTriggerBindingData } from '../../support/functionsHost/queueTriggerBindingData';
import { toTriggerMetadata } from '../../support/functionsHost/triggerMetadata';

const NOW = new Date('2026-11-23T10:05:07.089Z');
const system = new SystemBindingData(
  'copyAlerts',
  () => NOW,
  () => '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
);

function metadataFor(messageText: string) {
  const bindingData = createQueueTriggerBindingData(
    {
      queueName: 'alerts',
      messageId: 'message-id-1',
      popReceipt: 'pop-receipt-1',
      dequeueCount: 3,
      insertedOn: new Date('2026-11-23T10:00:00Z'),
      expiresOn: new Date('2026-11-30T10:00:00Z'),
      nextVisibleOn: new Date('2026-11-23T10:15:00Z'),
      messageText,
    },
    system,
  );
  return toTriggerMetadata(bindingData);
}

const BUILT_INS = {
  dequeueCount: 3,
  expirationTime: '2026-11-30T10:00:00+00:00',
  insertionTime: '2026-11-23T10:00:00+00:00',
  nextVisibleTime: '2026-11-23T10:15:00+00:00',
  popReceipt: 'pop-receipt-1',
};

describe('toTriggerMetadata', () => {
  it('a text message gives the built-ins in camelCase, timestamps as Newtonsoft writes a DateTimeOffset', () => {
    expect(metadataFor('plain text')).toEqual({
      ...BUILT_INS,
      queueTrigger: 'plain text',
      id: 'message-id-1',
    });
  });

  it('a JSON message adds its top-level properties as the host converts them, overriding built-ins', () => {
    const message = {
      Name: 'alerts-1',
      count: 5,
      flag: true,
      code: '42',
      when: '2026-11-23T12:05:00+02:00',
      Nested: { Region: 'westeurope', At: '2026-11-23T10:05:00.500Z' },
      list: [1, 2],
      nothing: null,
      Id: 'id-from-the-message',
    };
    expect(metadataFor(JSON.stringify(message))).toEqual({
      ...BUILT_INS,
      queueTrigger: {
        name: 'alerts-1',
        count: 5,
        flag: true,
        code: '42',
        when: '2026-11-23T12:05:00+02:00',
        nested: { region: 'westeurope', at: '2026-11-23T10:05:00.500Z' },
        list: [1, 2],
        nothing: null,
        id: 'id-from-the-message',
      },
      id: 'id-from-the-message',
      name: 'alerts-1',
      count: 5,
      flag: 'True',
      code: 42,
      when: '11/23/2026 10:05:00',
      nested: { region: 'westeurope', at: '2026-11-23T10:05:00.5Z' },
    });
  });
});
