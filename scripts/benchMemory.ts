/**
 * One worker invocation, as the Functions host makes it but without the host: the real queue-triggered
 * handler (`createCollectSubscriptionFunction`, so the worker's modules are loaded, Application Insights and
 * `@azure/functions` included) runs one work item with an InvocationContext, and the outbox batch it hands
 * over stays held, as the worker holds it until the host has taken it. Run by `bench/workerMemory.ts`,
 * which reads the peak RSS from outside. Reads the collector's settings from the environment.
 * Usage: node benchMemory.js <subscriptionId> [--load-only]
 * Prints `batchBytes=<n>` and the run's summary line.
 */
import { randomUUID } from 'node:crypto';
import { InvocationContext, trigger } from '@azure/functions';
import { createCollectSubscriptionFunction } from '../src/functions/handlers/collectSubscriptionHandler';
import { createWorkItem } from '../src/delivery/workItem';

async function main(): Promise<void> {
  const [subscriptionId, mode] = process.argv.slice(2);
  const { options } = createCollectSubscriptionFunction(process.env);
  if (mode === '--load-only') return;
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: 'collectSubscription',
    triggerMetadata: { id: randomUUID(), dequeueCount: 1, insertionTime: new Date().toISOString() },
    logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
    options: {
      trigger: trigger.storageQueue({ queueName: options.queueName, connection: options.connection }),
      extraInputs: [],
      extraOutputs: options.extraOutputs ?? [],
    },
  });
  await options.handler(createWorkItem(subscriptionId!, new Date()), context);
  const batch = context.extraOutputs.get(options.extraOutputs![0]!) as Buffer | undefined;
  const summary = logs.find((line) => line.includes('Collected Defender for Cloud alerts')) ?? '';
  console.log(`batchBytes=${batch?.length ?? 0} ${summary}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
