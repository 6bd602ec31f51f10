import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { CollectorSettings } from '../config/settings';

/**
 * The credential the collector signs in with: an app registration's secret, a user-assigned managed
 * identity, or (neither set) the default chain: managed identity in Azure, a developer login locally.
 */
export function createCredential(
  settings: Pick<CollectorSettings, 'tenantId' | 'credential' | 'cloud'>,
): TokenCredential {
  const { credential, cloud, tenantId } = settings;
  switch (credential.kind) {
    case 'clientSecret':
      return new ClientSecretCredential(tenantId, credential.clientId, credential.clientSecret, {
        authorityHost: cloud.authorityHost,
        // Instance discovery asks the public cloud about the authority; an authority of our own (Azure Stack,
        // a private endpoint, the local emulator) is not known there and the lookup would fail.
        disableInstanceDiscovery: cloud.customAuthorityHost,
      });
    case 'managedIdentity':
      return new ManagedIdentityCredential({ clientId: credential.clientId });
    case 'defaultChain':
      return new DefaultAzureCredential({ tenantId, authorityHost: cloud.authorityHost });
  }
}
