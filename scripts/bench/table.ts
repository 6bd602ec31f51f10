/** Prints rows as a Markdown table with aligned columns (numbers right-aligned), under a title. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map((_, column) =>
    rows.every((row) => /^[\d.,×x+-]*$|^n\/a$/.test(row[column] ?? '')),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log([line(header), rule, ...rows.map(line)].join('\n'));
}

export const seconds = (ms: number): string => (Number.isNaN(ms) ? 'n/a' : (ms / 1000).toFixed(2));
export const megabytes = (mb: number): string => (Number.isNaN(mb) ? 'n/a' : mb.toFixed(0));
export const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}×`;
export const count = (n: number): string => n.toLocaleString('en');
