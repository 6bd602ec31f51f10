import { readAlertFilter, type AlertFilter } from '../../../src/config/alertFilter';
import { passesFilter } from '../../../src/pipeline/filterAlert';

const alert = (properties: Record<string, unknown>) => ({ id: 'a', properties });
const filter = (settings: Record<string, string>): AlertFilter => readAlertFilter(settings);

describe('the alert filter', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>, boolean]>([
    ['no filter: everything', {}, { severity: 'Informational', isIncident: true }, true],
    ['min_severity Medium keeps High', { min_severity: 'medium' }, { severity: 'High' }, true],
    ['min_severity Medium keeps Medium', { min_severity: 'Medium' }, { severity: 'medium' }, true],
    ['min_severity Medium drops Low', { min_severity: 'Medium' }, { severity: 'Low' }, false],
    [
      'min_severity keeps an alert of unknown severity',
      { min_severity: 'High' },
      { severity: 'Critical' },
      true,
    ],
    ['statuses keep the listed', { statuses: 'Active, InProgress' }, { status: 'InProgress' }, true],
    ['statuses drop the others', { statuses: 'Active' }, { status: 'Resolved' }, false],
    [
      'alert_types keep the listed',
      { alert_types: 'VM_EICAR,SQL.DB_BruteForce' },
      { alertType: 'sql.db_bruteforce' },
      true,
    ],
    ['alert_types drop the others', { alert_types: 'VM_EICAR' }, { alertType: 'SQL.DB_BruteForce' }, false],
    [
      'exclude_alert_types drop the listed',
      { exclude_alert_types: 'VM_EICAR' },
      { alertType: 'VM_EICAR' },
      false,
    ],
    ['include_incidents false drops incidents', { include_incidents: 'false' }, { isIncident: true }, false],
    ['include_incidents false keeps alerts', { include_incidents: 'false' }, { isIncident: false }, true],
  ])('%s', (_case, settings, properties, passes) => {
    expect(passesFilter(alert(properties), filter(settings))).toBe(passes);
  });

  it.each([
    [
      { min_severity: 'Critical' },
      "Invalid setting 'min_severity': \"Critical\" is not one of 'Informational', 'Low', 'Medium', 'High'. Remove it to use 'Informational'.",
    ],
    [
      { statuses: 'Active,Closed' },
      "Invalid setting 'statuses': \"Closed\" is not one of 'Active', 'InProgress', 'Resolved', 'Dismissed'. Give a comma-separated list of them, or remove the setting to deliver every one.",
    ],
    [
      { alert_types: 'VM_EICAR,,X' },
      'Invalid setting \'alert_types\': "VM_EICAR,,X" has an empty item. Separate the items with single commas.',
    ],
    [
      { include_incidents: 'no' },
      "Invalid setting 'include_incidents': \"no\" is not one of 'true', 'false'. Remove it to use 'true'.",
    ],
  ])('refuses %j, naming the setting', (settings, message) => {
    expect(() => filter(settings)).toThrow(new Error(message));
  });
});
