/**
 * A small reader for the Bicep templates under `infra/`, for tests that check the deployment contract as text
 * (no Bicep compiler is needed). It understands just enough of the language for that: comments, strings
 * (including `'''` multi-line strings), top-level declarations with their decorators, and the bodies of
 * resources and modules. It is not a parser: anything it cannot place is left out rather than guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root, from this file's place in `test/support/`. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** `infra/` of the repository. */
export const INFRA_DIR = join(REPO_ROOT, 'infra');

/** A `param` declaration with its decorators. */
export interface BicepParam {
  readonly name: string;
  /** The declared type as written, e.g. `string`, `int`, `string?`, `string[]`. */
  readonly type: string;
  /** The default value expression as written, or `undefined` when there is none. */
  readonly defaultValue: string | undefined;
  /** Decorator names without `@`, e.g. `description`, `secure`, `allowed`. */
  readonly decorators: readonly string[];
  /** The text of `@description('...')`, unescaped, or `undefined`. */
  readonly description: string | undefined;
  readonly secure: boolean;
}

/** A `resource` or `module` declaration. */
export interface BicepDeclaration {
  readonly kind: 'resource' | 'module';
  readonly symbol: string;
  /** For a resource, the type without the API version (`Microsoft.Storage/storageAccounts`); for a module, its path. */
  readonly target: string;
  /** For a resource, the API version; for a module, `undefined`. */
  readonly apiVersion: string | undefined;
  readonly existing: boolean;
  /** The condition of `= if (...)`, or `undefined`. */
  readonly condition: string | undefined;
  /** The declaration's `{ ... }` body (for a loop, the body of one item), comments removed. */
  readonly body: string;
}

/** A built-in role definition GUID written as `'<guid>' // <Role name>`. */
export interface RoleDefinitionReference {
  readonly guid: string;
  readonly roleName: string;
  readonly line: number;
}

/** A role assignment resource, with the arguments of its `name: guid(...)`. */
export interface RoleAssignment {
  readonly symbol: string;
  readonly guidArguments: readonly string[] | undefined;
  readonly principalType: string | undefined;
  readonly roleDefinitionVariable: string | undefined;
  readonly body: string;
}

/** An app setting written as an object with `name: '<literal>'` followed by `value: <expression>`. */
export interface AppSetting {
  readonly name: string;
  readonly value: string;
}

/** A Bicep file: its raw text, its text without comments, and the declarations in it. */
export interface BicepFile {
  readonly path: string;
  readonly text: string;
  /** The text with comments replaced by spaces (strings are kept, line and column positions too). */
  readonly code: string;
  readonly targetScope: string;
  readonly params: readonly BicepParam[];
  readonly declarations: readonly BicepDeclaration[];
}

/** Reads and indexes a Bicep file. */
export function readBicep(path: string): BicepFile {
  return parseBicep(readFileSync(path, 'utf8'), path);
}

/** Reads a Bicep file of `infra/` by its path relative to `infra/`, e.g. `app/storage.bicep`. */
export function readInfra(pathInInfra: string): BicepFile {
  return parseBicep(readFileSync(join(INFRA_DIR, pathInInfra), 'utf8'), pathInInfra);
}

/** Every `.bicep` file under `infra/`, named by its path relative to `infra/` (with `/` separators). */
export function allInfraFiles(): BicepFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name))
        : entry.name.endsWith('.bicep')
          ? [join(dir, entry.name)]
          : [],
    );
  return walk(INFRA_DIR)
    .sort()
    .map((file) => parseBicep(readFileSync(file, 'utf8'), relative(INFRA_DIR, file).split('\\').join('/')));
}

/** Indexes Bicep source text; `path` only names it in messages. */
export function parseBicep(text: string, path = '<inline>'): BicepFile {
  const code = stripComments(text);
  const statements = topLevelStatements(code);
  const params: BicepParam[] = [];
  const declarations: BicepDeclaration[] = [];
  let targetScope = 'resourceGroup';
  for (const { decorators, statement } of statements) {
    const keyword = /^[a-zA-Z]+/.exec(statement)?.[0];
    if (keyword === 'param') {
      const param = toParam(statement, decorators);
      if (param) params.push(param);
    } else if (keyword === 'resource' || keyword === 'module') {
      const declaration = toDeclaration(keyword, statement);
      if (declaration) declarations.push(declaration);
    } else if (keyword === 'targetScope') {
      targetScope = /'([^']*)'/.exec(statement)?.[1] ?? targetScope;
    }
  }
  return { path, text, code, targetScope, params, declarations };
}

/**
 * Replaces `//` and `/* *\/` comments with spaces, leaving strings untouched, so that positions still match
 * the original text.
 */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end === -1 ? text.length : end + 3;
      out += text.slice(i, stop);
      i = stop;
    } else if (text[i] === "'") {
      const stop = endOfString(text, i);
      out += text.slice(i, stop);
      i = stop;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** Index just past the closing quote of the single-quoted string starting at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    // An interpolation may hold strings of its own: '${format('{0}', x)}'.
    else if (text.startsWith('${', i)) i = matchingBracket(text, i + 1);
    else if (text[i] === "'") return i + 1;
    else if (text[i] === '\n') return i;
    else i += 1;
  }
  return i;
}

/** Unescapes the content of a single-quoted Bicep string literal (without its quotes). */
export function unescapeBicepString(content: string): string {
  return content.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/** Index just past the bracket that closes the one at `open` (`{`, `[` or `(`), skipping strings. */
export function matchingBracket(code: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < code.length) {
    if (code.startsWith("'''", i)) {
      const end = code.indexOf("'''", i + 3);
      i = end === -1 ? code.length : end + 3;
      continue;
    }
    const c = code[i];
    if (c === "'") {
      i = endOfString(code, i);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth += 1;
    if (c === '}' || c === ']' || c === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return code.length;
}

interface Statement {
  readonly decorators: readonly string[];
  readonly statement: string;
}

/** Splits comment-free code into top-level statements, each with the decorators written above it. */
function topLevelStatements(code: string): Statement[] {
  const statements: Statement[] = [];
  let pending: string[] = [];
  let i = 0;
  while (i < code.length) {
    const lineEnd = code.indexOf('\n', i) === -1 ? code.length : code.indexOf('\n', i);
    const line = code.slice(i, lineEnd).trim();
    if (line === '') {
      i = lineEnd + 1;
      continue;
    }
    const start = i + code.slice(i, lineEnd).search(/\S/);
    const end = endOfStatement(code, start);
    const chunk = code.slice(start, end).trim();
    if (chunk.startsWith('@')) {
      pending.push(chunk);
    } else {
      statements.push({ decorators: pending, statement: chunk });
      pending = [];
    }
    i = end + 1;
  }
  return statements;
}

/** End of the statement or decorator starting at `start`: the first newline outside any bracket or string. */
function endOfStatement(code: string, start: number): number {
  let i = start;
  while (i < code.length) {
    if (code[i] === '\n') {
      // A ternary continued on the next line (`cond\n  ? a\n  : b`) belongs to the same statement.
      const next = /^\n\s*([?:])\s/.exec(code.slice(i));
      if (next) {
        i += next[0].length;
        continue;
      }
      return i;
    }
    if (code.startsWith("'''", i)) {
      const end = code.indexOf("'''", i + 3);
      i = end === -1 ? code.length : end + 3;
    } else if (code[i] === "'") {
      i = endOfString(code, i);
    } else if (code[i] === '{' || code[i] === '[' || code[i] === '(') {
      i = matchingBracket(code, i);
    } else {
      i += 1;
    }
  }
  return code.length;
}

function toParam(statement: string, decorators: readonly string[]): BicepParam | undefined {
  const match = /^param\s+(\w+)\s+([^=]+?)\s*(?:=\s*([\s\S]+))?$/.exec(statement);
  if (!match) return undefined;
  const names = decorators.map((d) => /^@(?:sys\.)?(\w+)/.exec(d)?.[1] ?? d);
  const descriptionDecorator = decorators.find((d) => /^@(?:sys\.)?description\(/.test(d));
  const descriptionLiteral =
    descriptionDecorator && /\(\s*'((?:[^'\\]|\\.)*)'\s*\)$/.exec(descriptionDecorator);
  return {
    name: match[1]!,
    type: match[2]!.trim(),
    defaultValue: match[3]?.trim(),
    decorators: names,
    description: descriptionLiteral ? unescapeBicepString(descriptionLiteral[1]!) : undefined,
    secure: names.includes('secure'),
  };
}

function toDeclaration(kind: 'resource' | 'module', statement: string): BicepDeclaration | undefined {
  const match = /^(?:resource|module)\s+(\w+)\s+'([^']+)'\s*(existing)?\s*=\s*/.exec(statement);
  if (!match) return undefined;
  const rest = statement.slice(match[0].length);
  let condition: string | undefined;
  let bodyStart = rest.indexOf('{');
  const conditional = /^if\s*\(/.exec(rest);
  if (conditional) {
    const open = rest.indexOf('(');
    const close = matchingBracket(rest, open);
    condition = rest.slice(open + 1, close - 1).trim();
    bodyStart = rest.indexOf('{', close);
  }
  if (bodyStart === -1) return undefined;
  const body = rest.slice(bodyStart, matchingBracket(rest, bodyStart));
  const reference = match[2]!;
  const at = reference.lastIndexOf('@');
  const isVersioned = kind === 'resource' && at !== -1;
  return {
    kind,
    symbol: match[1]!,
    target: isVersioned ? reference.slice(0, at) : reference,
    apiVersion: isVersioned ? reference.slice(at + 1) : undefined,
    existing: match[3] !== undefined,
    condition,
    body,
  };
}

/** The resources of a given type (case-insensitive), excluding `existing` references unless asked. */
export function resourcesOfType(file: BicepFile, type: string, includeExisting = false): BicepDeclaration[] {
  return file.declarations.filter(
    (d) =>
      d.kind === 'resource' &&
      d.target.toLowerCase() === type.toLowerCase() &&
      (includeExisting || !d.existing),
  );
}

/** The modules whose path or registry reference contains `pathPart`. */
export function modulesMatching(file: BicepFile, pathPart: string): BicepDeclaration[] {
  return file.declarations.filter((d) => d.kind === 'module' && d.target.includes(pathPart));
}

/** Every value written for `key:` in a body (the rest of the line, trimmed), in order. */
export function propertyValues(body: string, key: string): string[] {
  const pattern = new RegExp(`(?:^|[\\s{,])'?${escapeRegExp(key)}'?\\s*:\\s*([^\\n]*)`, 'g');
  return [...body.matchAll(pattern)].map((m) => m[1]!.trim());
}

/** Splits the arguments of a call (`text` is what is inside its parentheses) at top-level commas. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      i = endOfString(text, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      i = matchingBracket(text, i);
      continue;
    }
    if (c === ',') {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i += 1;
  }
  const last = text.slice(start).trim();
  if (last !== '') args.push(last);
  return args;
}

/** Role definition GUIDs written as `'<guid>' // <Role name>`, from the raw text (the names are comments). */
export function roleDefinitionReferences(file: BicepFile): RoleDefinitionReference[] {
  return file.text.split('\n').flatMap((line, index) => {
    const match =
      /'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'\s*\/\/\s*(.+?)\s*$/.exec(
        line,
      );
    return match ? [{ guid: match[1]!.toLowerCase(), roleName: match[2]!, line: index + 1 }] : [];
  });
}

/** Every GUID-shaped string literal in the code (comments excluded). */
export function guidLiterals(file: BicepFile): string[] {
  return [
    ...file.code.matchAll(/'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'/g),
  ].map((m) => m[1]!.toLowerCase());
}

/** The `Microsoft.Authorization/roleAssignments` resources of a file, with what their names are made of. */
export function roleAssignments(file: BicepFile): RoleAssignment[] {
  return resourcesOfType(file, 'Microsoft.Authorization/roleAssignments').map((resource) => {
    const nameValue = propertyValues(resource.body, 'name')[0];
    const guidCall = nameValue?.startsWith('guid(') ? nameValue : undefined;
    const guidArguments = guidCall
      ? splitArguments(guidCall.slice('guid('.length, matchingBracket(guidCall, 'guid'.length) - 1))
      : undefined;
    const roleDefinitionId = propertyValues(resource.body, 'roleDefinitionId')[0];
    return {
      symbol: resource.symbol,
      guidArguments,
      principalType: /^'([^']*)'/.exec(propertyValues(resource.body, 'principalType')[0] ?? '')?.[1],
      roleDefinitionVariable: roleDefinitionId
        ? /roleDefinitions'\s*,\s*(\w+)\s*\)/.exec(roleDefinitionId)?.[1]
        : undefined,
      body: resource.body,
    };
  });
}

/** App settings written as `{ name: '<literal>'  value: <expression> }` objects, in order of appearance. */
export function appSettings(file: BicepFile): AppSetting[] {
  return [...file.code.matchAll(/\{\s*name:\s*'([^']+)'\s*\r?\n\s*value:\s*([^\n]+?)\s*\r?\n\s*\}/g)].map(
    (m) => ({
      name: m[1]!,
      value: m[2]!,
    }),
  );
}

/** The value of `var <name> = ...` as written, or `undefined`. */
export function variableValue(file: BicepFile, name: string): string | undefined {
  const match = new RegExp(`^var\\s+${escapeRegExp(name)}\\s*=\\s*`, 'm').exec(file.code);
  if (!match) return undefined;
  return file.code.slice(match.index + match[0].length, endOfStatement(file.code, match.index)).trim();
}

/** Every single-quoted string literal in an expression, unescaped (multi-line strings included). */
export function stringLiterals(expression: string): string[] {
  const literals: string[] = [];
  let i = 0;
  while (i < expression.length) {
    if (expression.startsWith("'''", i)) {
      const end = expression.indexOf("'''", i + 3);
      const stop = end === -1 ? expression.length : end;
      literals.push(expression.slice(i + 3, stop));
      i = stop + 3;
    } else if (expression[i] === "'") {
      const stop = endOfString(expression, i);
      literals.push(unescapeBicepString(expression.slice(i + 1, stop - 1)));
      i = stop;
    } else {
      i += 1;
    }
  }
  return literals;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
