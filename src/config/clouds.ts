/** The Azure clouds the collector knows, with the endpoints the SDK needs for each. */
export const AZURE_CLOUDS = {
  AzurePublicCloud: {
    resourceManagerEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernment: {
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
} as const;

export type AzureCloudName = keyof typeof AZURE_CLOUDS;
export const AZURE_CLOUD_NAMES = Object.keys(AZURE_CLOUDS) as AzureCloudName[];
