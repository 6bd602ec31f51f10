import { output } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { OTHER_AZURITE_ACCOUNT, startAzurite, type RunningAzurite } from '../../../emulators/azurite';
import { azuriteConnectionString, blobService } from '../../support/collectorHarness';
import { names, simulator } from '../../support/functionsHost/simulatorTestKit';

describe('FunctionsHostSimulator: connections', () => {
  let other: RunningAzurite;
  beforeAll(async () => {
    other = await startAzurite({ account: OTHER_AZURITE_ACCOUNT });
  });
  afterAll(async () => {
    await other.stop();
  });

  it('an output names another storage account through its connection setting', async () => {
    const { container } = names();
    const blobOut = output.storageBlob({ path: `${container}/report.txt`, connection: 'ArchiveStorage' });
    const host = simulator({
      appSettings: { AzureWebJobsStorage: azuriteConnectionString(), ArchiveStorage: other.connectionString },
    });

    const record = await host.invokeTimer(
      'archive',
      { schedule: '0 0 * * * *', return: blobOut, handler: () => 'archived' },
      { isPastDue: false },
    );

    const archived = await BlobServiceClient.fromConnectionString(other.connectionString)
      .getContainerClient(container)
      .getBlobClient('report.txt')
      .downloadToBuffer();
    expect([record.outcome, archived.toString()]).toEqual(['succeeded', 'archived']);
    expect(await blobService().getContainerClient(container).exists()).toBe(false);
  });

  it('an unknown connection stops indexing with the host message', async () => {
    const { queue } = names();
    await expect(
      simulator().processNextQueueMessage('orphan', {
        queueName: queue,
        connection: 'MissingStorage',
        handler: () => undefined,
      }),
    ).rejects.toHaveProperty(
      'message',
      "Error indexing method 'Functions.orphan': Storage account connection string 'AzureWebJobsMissingStorage' does not exist. Make sure that it is a defined App Setting.",
    );
  });
});
