import { SETTING_NAMES as S } from './settingNames';
import { choiceSetting, optionalSetting, type SettingsSource } from './settingReaders';

export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['Active', 'InProgress', 'Resolved', 'Dismissed'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Which alerts are delivered at all. An alert left out is counted and not recorded as delivered, so a
 * filter widened later delivers what Defender for Cloud still holds.
 */
export interface AlertFilter {
  readonly minSeverity: Severity | undefined;
  readonly statuses: readonly Status[] | undefined;
  /** Alert types delivered (exact `properties.alertType`, case-insensitive); all when undefined. */
  readonly alertTypes: readonly string[] | undefined;
  readonly excludeAlertTypes: readonly string[];
  readonly includeIncidents: boolean;
}

/** @throws Error naming the setting, the value received and how to fix it. */
export function readAlertFilter(source: SettingsSource): AlertFilter {
  const minSeverity = optionalSetting(source, S.minSeverity);
  return {
    minSeverity:
      minSeverity === undefined
        ? undefined
        : choiceSetting<Severity>(source, S.minSeverity, SEVERITIES, 'Informational'),
    statuses: choiceList(source, S.statuses, STATUSES),
    alertTypes: textList(source, S.alertTypes),
    excludeAlertTypes: textList(source, S.excludeAlertTypes) ?? [],
    includeIncidents: choiceSetting(source, S.includeIncidents, ['true', 'false'], 'true') === 'true',
  };
}

/** True when the filter lets every alert through (nothing to check per alert). */
export function passesEverything(filter: AlertFilter): boolean {
  return (
    filter.minSeverity === undefined &&
    filter.statuses === undefined &&
    filter.alertTypes === undefined &&
    filter.excludeAlertTypes.length === 0 &&
    filter.includeIncidents
  );
}

function choiceList<T extends string>(
  source: SettingsSource,
  name: string,
  choices: readonly T[],
): T[] | undefined {
  const items = textList(source, name);
  return items?.map((item) => {
    const match = choices.find((choice) => choice.toLowerCase() === item.toLowerCase());
    if (match === undefined) {
      throw new Error(
        `Invalid setting '${name}': "${item}" is not one of ${choices.map((c) => `'${c}'`).join(', ')}. ` +
          'Give a comma-separated list of them, or remove the setting to deliver every one.',
      );
    }
    return match;
  });
}

function textList(source: SettingsSource, name: string): string[] | undefined {
  const value = optionalSetting(source, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new Error(
      `Invalid setting '${name}': "${value}" has an empty item. Separate the items with single commas.`,
    );
  }
  return items;
}
