import { output, type Timer, type TimerFunctionOptions } from '@azure/functions';
import { blobService } from '../../support/collectorHarness';
import { blobText, names, simulator } from '../../support/functionsHost/simulatorTestKit';

describe('FunctionsHostSimulator: timer trigger', () => {
  it("a timer function's outputs are written the same way, its return value through the return binding", async () => {
    const { container } = names();
    const blobOut = output.storageBlob({
      path: `${container}/ticks/{DateTime:yyyyMMddHHmm}.txt`,
      connection: '',
    });
    const timers: Timer[] = [];
    const options: TimerFunctionOptions = {
      schedule: '0 */5 * * * *',
      return: blobOut,
      handler: (timer, context) => {
        timers.push(timer);
        context.log('tick');
        return 'tick';
      },
    };

    const record = await simulator().invokeTimer('tick', options, { isPastDue: true });

    expect([record.outcome, record.outputs.map((o) => o.target), record.logs]).toEqual([
      'succeeded',
      [`${container}/ticks/202611231005.txt`],
      [{ level: 'information', message: 'tick' }],
    ]);
    expect([timers[0]?.isPastDue, timers[0]?.schedule]).toEqual([true, { adjustForDST: true }]);
    expect(await blobText(container, 'ticks/202611231005.txt')).toBe('tick');
  });

  it('a failed timer invocation is reported and writes nothing', async () => {
    const { container } = names();
    const blobOut = output.storageBlob({ path: `${container}/never.txt`, connection: '' });

    const record = await simulator().invokeTimer(
      'failing',
      {
        schedule: '0 */5 * * * *',
        extraOutputs: [blobOut],
        handler: (_timer, context) => {
          context.extraOutputs.set(blobOut, 'never');
          throw new Error('ARM unavailable');
        },
      },
      { isPastDue: false },
    );

    expect([record.outcome, record.error?.message, record.outputs]).toEqual([
      'failed',
      'ARM unavailable',
      [],
    ]);
    expect(await blobService().getContainerClient(container).exists()).toBe(false);
  });
});
