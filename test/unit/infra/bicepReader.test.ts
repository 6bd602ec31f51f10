import {
  appSettings,
  parseBicep,
  propertyValues,
  roleAssignments,
  roleDefinitionReferences,
  splitArguments,
  stringLiterals,
  stripComments,
  variableValue,
} from '../../support/bicep';

describe('the Bicep reader used by the infra tests', () => {
  it('removes comments but keeps strings that look like comments, positions unchanged', () => {
    const text = "var a = 'http://x' // note\n/* block\n */var b = '/* no */'";
    const code = stripComments(text);
    expect(code).toHaveLength(text.length);
    expect(code).toContain("'http://x'");
    expect(code).toContain("'/* no */'");
    expect(code).not.toContain('note');
    expect(code).not.toContain('block');
  });

  it('reads params with multi-line decorators, escaped descriptions, defaults and nullable types', () => {
    const file = parseBicep(
      [
        "@description('Optional. The app\\'s output.')",
        '@allowed([',
        "  'blob'",
        "  'queue'",
        '])',
        "param outputTarget string = 'blob'",
        '',
        '@secure()',
        "@description('Optional. A secret.')",
        'param clientSecret string?',
        '',
        'param bare int',
      ].join('\n'),
    );
    expect(file.params).toEqual([
      {
        name: 'outputTarget',
        type: 'string',
        defaultValue: "'blob'",
        decorators: ['description', 'allowed'],
        description: "Optional. The app's output.",
        secure: false,
      },
      {
        name: 'clientSecret',
        type: 'string?',
        defaultValue: undefined,
        decorators: ['secure', 'description'],
        description: 'Optional. A secret.',
        secure: true,
      },
      {
        name: 'bare',
        type: 'int',
        defaultValue: undefined,
        decorators: [],
        description: undefined,
        secure: false,
      },
    ]);
  });

  it('reads a default value written as a ternary over several lines', () => {
    const file = parseBicep("param cloud string = x == 'a'\n  ? 'A'\n  : 'B'\nparam next string");
    expect(file.params.map((p) => [p.name, p.defaultValue])).toEqual([
      ['cloud', "x == 'a'\n  ? 'A'\n  : 'B'"],
      ['next', undefined],
    ]);
  });

  it('reads resources and modules with their type, condition and body', () => {
    const file = parseBicep(
      [
        "targetScope = 'subscription'",
        "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {",
        "  name: 'x'",
        '}',
        "module kv 'app/keyvault.bicep' = if (useSecret && x != '}') {",
        "  name: 'kv'",
        '}',
      ].join('\n'),
    );
    expect(file.targetScope).toBe('subscription');
    expect(
      file.declarations.map((d) => [d.kind, d.symbol, d.target, d.apiVersion, d.existing, d.condition]),
    ).toEqual([
      ['resource', 'st', 'Microsoft.Storage/storageAccounts', '2023-05-01', true, undefined],
      ['module', 'kv', 'app/keyvault.bicep', undefined, false, "useSecret && x != '}'"],
    ]);
    expect(file.declarations[1]!.body).toBe("{\n  name: 'kv'\n}");
  });

  it('reads role assignments, their guid() parts and the role GUIDs named in comments', () => {
    const file = parseBicep(
      [
        "var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader",
        "resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
        '  name: guid(sub.id, principalId, readerRoleId)',
        '  properties: {',
        "    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)",
        "    principalType: 'ServicePrincipal'",
        '  }',
        '}',
      ].join('\n'),
    );
    expect(roleDefinitionReferences(file)).toEqual([
      { guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', line: 1 },
    ]);
    expect(
      roleAssignments(file).map((r) => [
        r.symbol,
        r.guidArguments,
        r.principalType,
        r.roleDefinitionVariable,
      ]),
    ).toEqual([['ra', ['sub.id', 'principalId', 'readerRoleId'], 'ServicePrincipal', 'readerRoleId']]);
  });

  it('reads app settings written as name/value objects, and variable values', () => {
    const file = parseBicep(
      [
        "var conn = target == 'eventhub' ? 'EventHubConnection' : 'AzureWebJobsStorage'",
        'var settings = [',
        '  {',
        "    name: 'cron'",
        '    value: cron',
        '  }',
        '  {',
        "    name: 'client_secret'",
        "    value: '@Microsoft.KeyVault(SecretUri=${uri})'",
        '  }',
        ']',
      ].join('\n'),
    );
    expect(appSettings(file)).toEqual([
      { name: 'cron', value: 'cron' },
      { name: 'client_secret', value: "'@Microsoft.KeyVault(SecretUri=${uri})'" },
    ]);
    expect(stringLiterals(variableValue(file, 'conn')!)).toEqual([
      'eventhub',
      'EventHubConnection',
      'AzureWebJobsStorage',
    ]);
  });

  it('splits call arguments only at top-level commas and finds property values', () => {
    expect(splitArguments("a.id, f(b, c), 'x,y'")).toEqual(['a.id', 'f(b, c)', "'x,y'"]);
    expect(
      propertyValues(
        '{\n  allowSharedKeyAccess: false\n  nested: { allowSharedKeyAccess: true }\n}',
        'allowSharedKeyAccess',
      ),
    ).toEqual(['false', 'true }']);
  });
});
