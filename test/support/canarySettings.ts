import { randomInt } from 'node:crypto';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { Canary } from './canaryScanner';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `CNRY` and random letters and digits: recognisable, and no 8 characters of it occur in any text by
 * chance. (A field name inside the canary would: "client_secret" is in the messages.)
 */
export function canaryText(length = 32, prefix = 'CNRY'): string {
  let text = prefix;
  while (text.length < length) text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return text;
}

/** The account of the test's own Azurite, whose shared key is a canary. */
export const CANARY_ACCOUNT = 'cnryaccount';

/** The secrets a test plants, each where a user puts it (or pastes it by mistake). */
export interface Secrets {
  /** The app registration's secret the emulator accepts. */
  clientSecret: string;
  /** A secret the emulator refuses (AADSTS7000215). */
  wrongClientSecret: string;
  /** A client secret pasted into `client_id` (Entra ID secrets look like `xxx8Q~…`). */
  pastedIntoClientId: string;
  pastedIntoTenantId: string;
  pastedIntoStorageClientId: string;
  /** The shared key of the test's Azurite account: base64, as account keys are. */
  accountKey: string;
  /** A key that account refuses (HTTP 403). */
  wrongAccountKey: string;
  /** The signature of a made-up SAS token. */
  sasSignature: string;
  /** A password in the user-info part of a URL. */
  urlPassword: string;
  instrumentationKey: string;
  /** In the path of APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint. */
  ingestionEndpointPath: string;
  /** A secret pasted as APPLICATIONINSIGHTS_AUTHENTICATION_STRING's ClientId. */
  telemetryClientId: string;
  eventHubKey: string;
}

export function createSecrets(): Secrets {
  const pasted = (): string => canaryText(40, `CNRY8Q~`);
  return {
    clientSecret: canaryText(),
    wrongClientSecret: canaryText(),
    pastedIntoClientId: pasted(),
    pastedIntoTenantId: pasted(),
    pastedIntoStorageClientId: pasted(),
    accountKey: canaryText(88),
    wrongAccountKey: canaryText(88),
    sasSignature: canaryText(44),
    urlPassword: canaryText(),
    instrumentationKey: canaryText(),
    ingestionEndpointPath: canaryText(),
    telemetryClientId: canaryText(),
    eventHubKey: canaryText(44),
  };
}

/** A valid account SAS for the canary account, signed with its canary key: its signature is a secret too. */
export function accountSas(accountKey: string): { token: string; signature: string } {
  const parameters = generateAccountSASQueryParameters(
    {
      expiresOn: new Date(Date.now() + 3_600_000),
      permissions: AccountSASPermissions.parse('rwdlacup'),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      services: AccountSASServices.parse('bq').toString(),
    },
    new StorageSharedKeyCredential(CANARY_ACCOUNT, accountKey),
  );
  return { token: parameters.toString(), signature: parameters.signature };
}

/** Every secret with the place it was planted, for the scanner. */
export function canariesOf(secrets: Secrets, sasSignature: string): Canary[] {
  const planted: Record<keyof Secrets, string> = {
    clientSecret: 'client_secret (the right one)',
    wrongClientSecret: 'client_secret (a wrong one)',
    pastedIntoClientId: 'a secret pasted into client_id',
    pastedIntoTenantId: 'a secret pasted into tenant_id',
    pastedIntoStorageClientId: 'a secret pasted into AzureWebJobsStorage__clientId',
    accountKey: "AzureWebJobsStorage's AccountKey",
    wrongAccountKey: "AzureWebJobsStorage's AccountKey (a wrong one)",
    sasSignature: 'the signature of a SAS token in a setting',
    urlPassword: 'a password in a URL setting',
    instrumentationKey: "APPLICATIONINSIGHTS_CONNECTION_STRING's InstrumentationKey",
    ingestionEndpointPath: "APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint",
    telemetryClientId: "a secret pasted into APPLICATIONINSIGHTS_AUTHENTICATION_STRING's ClientId",
    eventHubKey: "EventHubConnection's SharedAccessKey",
  };
  return [
    ...Object.entries(planted).map(([key, label]) => ({ label, value: secrets[key as keyof Secrets] })),
    { label: 'the signature of the valid SAS in AzureWebJobsStorage', value: sasSignature },
  ];
}

/** Storage endpoints of an account. */
export interface AccountEndpoints {
  blobEndpoint: string;
  queueEndpoint: string;
}

export function keyConnectionString(endpoints: AccountEndpoints, key: string): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${CANARY_ACCOUNT};AccountKey=${key};` +
    `BlobEndpoint=${endpoints.blobEndpoint};QueueEndpoint=${endpoints.queueEndpoint};`
  );
}

export function sasConnectionString(endpoints: AccountEndpoints, sasToken: string): string {
  return (
    `BlobEndpoint=${endpoints.blobEndpoint};QueueEndpoint=${endpoints.queueEndpoint};` +
    `SharedAccessSignature=${sasToken}`
  );
}

/** The secret-bearing settings besides the credential and the storage connection, each holding a canary. */
export function otherSecretSettings(secrets: Secrets): Record<string, string> {
  return {
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      `InstrumentationKey=${secrets.instrumentationKey};` +
      `IngestionEndpoint=https://127.0.0.1:9/${secrets.ingestionEndpointPath}/`,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${secrets.telemetryClientId}`,
    EventHubConnection:
      'Endpoint=sb://cnry-namespace.servicebus.windows.net/;SharedAccessKeyName=send;' +
      `SharedAccessKey=${secrets.eventHubKey}`,
  };
}

/** Settings changes a user gets wrong, each with a secret where it does not belong. */
export interface SettingsMistake {
  name: string;
  /** Merged over working settings; `undefined` removes a setting. */
  changes: Record<string, string | undefined>;
}

export function settingsMistakes(secrets: Secrets): SettingsMistake[] {
  const fakeSas =
    'sv=2022-11-02&ss=bq&srt=sco&sp=rwdlacup&se=2030-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https' +
    `&sig=${secrets.sasSignature}`;
  const identityStorage = {
    AzureWebJobsStorage: undefined,
    AzureWebJobsStorage__blobServiceUri: 'https://cnryaccount.blob.core.windows.net',
  };
  const urlSettings = [
    'authority_host',
    'resource_manager_endpoint',
    'AzureWebJobsStorage__blobServiceUri',
    'AzureWebJobsStorage__queueServiceUri',
  ];
  const inUrlSetting = (name: string, value: string): Record<string, string | undefined> =>
    name.startsWith('AzureWebJobsStorage__') ? { ...identityStorage, [name]: value } : { [name]: value };
  return [
    { name: 'a client secret pasted into client_id', changes: { client_id: secrets.pastedIntoClientId } },
    { name: 'a client secret pasted into tenant_id', changes: { tenant_id: secrets.pastedIntoTenantId } },
    {
      name: 'a client secret pasted into AzureWebJobsStorage__clientId',
      changes: { ...identityStorage, AzureWebJobsStorage__clientId: secrets.pastedIntoStorageClientId },
    },
    {
      name: 'client_secret without client_id',
      changes: { client_id: undefined },
    },
    {
      name: 'the account key alone in AzureWebJobsStorage',
      changes: { AzureWebJobsStorage: secrets.accountKey },
    },
    {
      name: 'a connection string without AccountName in AzureWebJobsStorage',
      changes: { AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountKey=${secrets.accountKey}` },
    },
    { name: 'a SAS token alone in AzureWebJobsStorage', changes: { AzureWebJobsStorage: fakeSas } },
    {
      name: 'a connection string in AzureWebJobsStorage__blobServiceUri',
      changes: inUrlSetting(
        'AzureWebJobsStorage__blobServiceUri',
        `DefaultEndpointsProtocol=https;AccountName=${CANARY_ACCOUNT};AccountKey=${secrets.accountKey};` +
          'EndpointSuffix=core.windows.net',
      ),
    },
    ...urlSettings.flatMap((name) => [
      {
        name: `a SAS URL in ${name}`,
        changes: inUrlSetting(name, `https://cnryaccount.blob.core.windows.net/?${fakeSas}`),
      },
      { name: `a SAS token without its "?" in ${name}`, changes: inUrlSetting(name, fakeSas) },
      {
        name: `a URL with a password in ${name}`,
        changes: inUrlSetting(name, `https://admin:${secrets.urlPassword}@cnryaccount.blob.core.windows.net`),
      },
    ]),
  ];
}

/** A `local.settings.json` a user writes, valid or broken around a secret, made from working settings. */
export interface LocalSettingsFile {
  name: string;
  text: (values: Record<string, string>, secrets: Secrets) => string;
}

/** The file Core Tools reads, with the settings in "Values". */
function validFile(values: Record<string, string>): string {
  const connectionStrings = { Storage: values.AzureWebJobsStorage };
  return JSON.stringify(
    { IsEncrypted: false, Values: values, ConnectionStrings: connectionStrings },
    null,
    2,
  );
}

/** The valid file with the client_secret line (not the last one, so it ends with a comma) replaced. */
function aroundSecret(replace: (line: string, secret: string) => string): LocalSettingsFile['text'] {
  return (values) => {
    const secret = values.client_secret ?? '';
    const line = `"client_secret": ${JSON.stringify(secret)}`;
    return validFile(values).replace(`${line},`, replace(line, secret));
  };
}

export const LOCAL_SETTINGS_FILES: readonly LocalSettingsFile[] = [
  { name: 'valid, every secret in it', text: validFile },
  { name: 'client_secret unquoted', text: aroundSecret((_, secret) => `"client_secret": ${secret},`) },
  {
    name: 'client_secret in single quotes',
    text: aroundSecret((_, secret) => `"client_secret": '${secret}',`),
  },
  {
    name: 'client_secret in typographic quotes',
    text: aroundSecret((_, secret) => `"client_secret": \u201c${secret}\u201d,`),
  },
  { name: 'a stray character right after client_secret', text: aroundSecret((line) => `${line}x,`) },
  { name: 'no comma right after client_secret', text: aroundSecret((line) => line) },
  {
    name: 'a comment right after client_secret',
    text: aroundSecret((line) => `${line}, // the production secret`),
  },
  {
    name: 'the storage connection string unquoted',
    text: (values) =>
      validFile(values).replace(
        `"AzureWebJobsStorage": ${JSON.stringify(values.AzureWebJobsStorage)}`,
        `"AzureWebJobsStorage": ${values.AzureWebJobsStorage}`,
      ),
  },
  { name: 'with a byte order mark', text: (values) => `\uFEFF${validFile(values)}` },
  {
    name: 'cut off inside client_secret',
    text: (values) => {
      const text = validFile(values);
      return text.slice(0, text.indexOf(values.client_secret ?? '') + 12);
    },
  },
  {
    name: 'with a client secret pasted into client_id',
    text: (values, secrets) => validFile({ ...values, client_id: secrets.pastedIntoClientId }),
  },
  { name: 'whose "Values" is a string', text: (values) => JSON.stringify({ Values: values.client_secret }) },
  {
    name: 'whose client_secret is an object',
    text: (values) =>
      JSON.stringify({ Values: { ...values, client_secret: { value: values.client_secret } } }),
  },
];
