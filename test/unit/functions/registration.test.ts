import type * as Functions from '@azure/functions';

type Registered = { kind: 'timer' | 'storageQueue'; name: string; options: Record<string, unknown> };

/** Loads a registration module in a fresh module registry and returns what it registered. */
function loadRegistration(file: string): Registered[] {
  const registered: Registered[] = [];
  jest.isolateModules(() => {
    const { app } = jest.requireActual<typeof Functions>('@azure/functions');
    const spies = (['timer', 'storageQueue'] as const).map((kind) =>
      jest.spyOn(app, kind).mockImplementation((name: string, options: unknown) => {
        registered.push({ kind, name, options: options as Record<string, unknown> });
      }),
    );
    try {
      jest.requireActual(`../../../src/functions/${file}`);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });
  return registered;
}

const SETTINGS = {
  tenant_id: '11111111-2222-4333-8444-555555555555',
  subscription_id: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
  cron: '30 2 * * *',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

describe('src/functions: registration only, from the app settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('registers the timer on the cron schedule, queuing work items through a queue output', () => {
    Object.assign(process.env, SETTINGS);
    const [timer, ...others] = loadRegistration('scheduleCollection');
    expect(others).toEqual([]);
    expect(timer).toMatchObject({
      kind: 'timer',
      name: 'scheduleCollection',
      options: {
        schedule: '0 30 2 * * *',
        runOnStartup: false,
        useMonitor: true,
        extraOutputs: [
          { type: 'queue', queueName: 'defender-alerts-work', connection: 'AzureWebJobsStorage' },
        ],
      },
    });
    expect(timer!.options.retry).toBeUndefined();
  });

  it('registers the worker on the work queue, handing batches to an outbox blob named per attempt', () => {
    Object.assign(process.env, SETTINGS);
    expect(loadRegistration('collectSubscription')).toMatchObject([
      {
        kind: 'storageQueue',
        name: 'collectSubscription',
        options: {
          queueName: 'defender-alerts-work',
          connection: 'AzureWebJobsStorage',
          extraOutputs: [
            {
              type: 'blob',
              path: 'defender-alerts-outbox/batches/{partition}/{subscriptionId}/{Id}-{DequeueCount}.ndjson',
              connection: 'AzureWebJobsStorage',
            },
          ],
        },
      },
    ]);
  });

  it.each([
    [
      'blob',
      {
        type: 'blob',
        path: 'defender-alerts/{DateTime:yyyy}/{DateTime:MM}/{DateTime:dd}/{DateTime:HH}/{id}.ndjson',
        connection: 'AzureWebJobsStorage',
      },
    ],
    ['eventhub', { type: 'eventHub', eventHubName: 'defender-alerts', connection: 'EventHubConnection' }],
    ['queue', { type: 'queue', queueName: 'defender-alerts', connection: 'AzureWebJobsStorage' }],
  ])('registers the forwarder on the forward queue with the %s target binding', (target, binding) => {
    Object.assign(process.env, SETTINGS, { output_target: target });
    expect(loadRegistration('forwardBatch')).toMatchObject([
      {
        kind: 'storageQueue',
        name: 'forwardBatch',
        options: {
          queueName: 'defender-alerts-forward',
          connection: 'AzureWebJobsStorage',
          extraOutputs: [binding],
        },
      },
    ]);
  });

  it.each(['scheduleCollection', 'collectSubscription', 'forwardBatch'])(
    '%s loads no Application Insights module without a connection string (some 50 MB of the worker)',
    (file) => {
      Object.assign(process.env, SETTINGS);
      delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
      jest.doMock('applicationinsights', () => {
        throw new Error('applicationinsights was loaded');
      });
      try {
        expect(loadRegistration(file)).toHaveLength(1);
      } finally {
        jest.dontMock('applicationinsights');
      }
    },
  );

  it.each(['scheduleCollection', 'collectSubscription', 'forwardBatch'])(
    '%s refuses to load with a bad setting, naming it',
    (file) => {
      Object.assign(process.env, { ...SETTINGS, tenant_id: 'abc-123' });
      expect(() => loadRegistration(file)).toThrow(/^Invalid setting 'tenant_id': "abc-123" is not a GUID\./);
    },
  );
});
