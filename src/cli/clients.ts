import type { CollectorSettings } from '../config/settings';
import { ArmAlertSource } from '../defender/armAlertSource';
import { createCredential } from '../defender/createCredential';

/** The configured alert source for one subscription, as the function builds it. */
export function alertSourceFor(settings: CollectorSettings, subscriptionId: string): ArmAlertSource {
  return new ArmAlertSource({
    credential: createCredential(settings),
    subscriptionId,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint:
      settings.credential.kind === 'defaultChain'
        ? 'the signed-in identity'
        : `the identity with client id '${settings.credential.clientId}'`,
  });
}
