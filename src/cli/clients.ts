import type { CollectorSettings } from '../config/settings';
import { ArmAlertSource } from '../defender/armAlertSource';
import { createArmClient, principalHint } from '../defender/createArmClient';

/** The configured alert source for one subscription, as the function builds it. */
export function alertSourceFor(settings: CollectorSettings, subscriptionId: string): ArmAlertSource {
  const arm = createArmClient(settings);
  return new ArmAlertSource({
    arm,
    credential: arm.options.credential,
    subscriptionId,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint: principalHint(settings),
  });
}
