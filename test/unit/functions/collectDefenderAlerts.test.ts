import type * as Functions from '@azure/functions';

/** Loads the registration module in a fresh module registry and returns the `app.timer` calls it made. */
type TimerCall = Parameters<typeof Functions.app.timer>;

function loadRegistration(): TimerCall[] {
  let calls: TimerCall[] = [];
  jest.isolateModules(() => {
    const { app } = jest.requireActual<typeof Functions>('@azure/functions');
    const timer = jest.spyOn(app, 'timer').mockImplementation(() => undefined);
    try {
      jest.requireActual('../../../src/functions/collectDefenderAlerts');
    } finally {
      calls = timer.mock.calls;
    }
  });
  return calls;
}

describe('src/functions/collectDefenderAlerts', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('registers one timer function from the app settings', () => {
    Object.assign(process.env, {
      tenant_id: '11111111-2222-4333-8444-555555555555',
      subscription_id: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
      cron: '30 2 * * *',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    const calls = loadRegistration();
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('collectDefenderAlerts');
    expect(calls[0]![1]).toMatchObject({ schedule: '0 30 2 * * *', runOnStartup: false, useMonitor: true });
  });

  it('refuses to load with a bad setting, naming it', () => {
    Object.assign(process.env, {
      tenant_id: 'not-a-guid',
      subscription_id: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
      cron: '0 * * * *',
    });
    expect(loadRegistration).toThrow(/^Invalid setting 'tenant_id': "not-a-guid" is not a GUID\./);
  });
});
