/*
 * Queue-name rules the Storage Queues extension enforces on trigger and output queue names.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/
 * QueueClientExtensions.cs (`ValidateQueueName` messages; thrown as ArgumentException for parameter
 * 'name'), Triggers/QueueTriggerAttributeBindingProvider.cs and Config/QueuesExtensionConfigProvider.cs
 * (names are lower-cased first: "must be lowercase. coerce here to be nice.").
 */

/** The host's error for an invalid queue name, or `undefined` when it is valid. */
export function queueNameError(name: string): string | undefined {
  if (!name) return "A queue name can't be null or empty";
  if (name.length < 3 || name.length > 63)
    return `A queue name must be from 3 to 63 characters long - "${name}"`;
  if (name.startsWith('-') || name.endsWith('-'))
    return `The dash (-) character may not be the first or last letter - "${name}"`;
  let previous = 'a';
  for (const ch of name) {
    if (ch !== ch.toLowerCase()) return `Queue names must be all lower case - "${name}"`;
    if (!/[\p{L}\p{Nd}-]/u.test(ch))
      return `A queue name can contain only letters, numbers, and dash(-) characters - "${name}"`;
    if (ch === '-' && previous === '-') return 'A queue name cannot contain consecutive dash(-) characters.';
    previous = ch;
  }
  return undefined;
}

export function isValidQueueName(name: string): boolean {
  return queueNameError(name) === undefined;
}

/**
 * Lower-cases and validates a queue name as the extension does before using it.
 * @throws Error "<rule> (Parameter 'name')" for an invalid name.
 */
export function normalizeQueueName(name: string): string {
  const lower = name.toLowerCase();
  const error = queueNameError(lower);
  if (error !== undefined) throw new Error(`${error} (Parameter 'name')`);
  return lower;
}
